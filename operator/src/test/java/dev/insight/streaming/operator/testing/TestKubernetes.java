package dev.insight.streaming.operator.testing;

import dev.insight.streaming.embedded.EmbeddedKubernetes;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.api.StreamingPipeline;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The JVM's real control plane (etcd, kube-apiserver, kube-controller-manager; started once and
 * shared by every test class) with the StreamingPipeline CRD from crds/ installed and established,
 * plus the namespaces of one test class, each created fresh. Closing deletes those namespaces and
 * waits until the namespace controller has removed them.
 */
public final class TestKubernetes implements AutoCloseable {

  private static final Object CRD_LOCK = new Object();
  private static boolean crdInstalled;
  private static KubernetesClient sharedClient;

  private final EmbeddedKubernetes cluster;
  private final KubernetesClient client;
  private final List<String> namespaces;

  private TestKubernetes(
      EmbeddedKubernetes cluster, KubernetesClient client, List<String> namespaces) {
    this.cluster = cluster;
    this.client = client;
    this.namespaces = namespaces;
  }

  /**
   * Installs the CRD once per JVM and creates {@code namespaces} (waiting out a namespace of the
   * same name still being deleted).
   */
  public static TestKubernetes start(String... namespaces) {
    EmbeddedKubernetes cluster = SharedServers.kubernetes();
    KubernetesClient client = adminClient(cluster);
    try {
      installCrd(client);
      for (String namespace : namespaces) {
        client
            .namespaces()
            .withName(namespace)
            .waitUntilCondition(n -> n == null, 2, TimeUnit.MINUTES);
        client
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
            .create();
      }
      return new TestKubernetes(cluster, client, List.of(namespaces));
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * The namespaces for the whole JVM: created if missing, never deleted, for test fixtures that
   * make one world per test and clean up after themselves. Do not close it.
   */
  public static synchronized TestKubernetes shared(String... namespaces) {
    EmbeddedKubernetes cluster = SharedServers.kubernetes();
    if (sharedClient == null) {
      sharedClient = adminClient(cluster);
      installCrd(sharedClient);
    }
    for (String namespace : namespaces) {
      sharedClient
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .createOr(op -> op.patch());
    }
    return new TestKubernetes(cluster, sharedClient, List.of());
  }

  /**
   * A client acting as the cluster's administrator (group system:masters); the caller closes it.
   */
  public static KubernetesClient adminClient(EmbeddedKubernetes cluster) {
    return clientFor(cluster.kubeconfig());
  }

  /** A client for a kubeconfig file; the caller closes it. */
  public static KubernetesClient clientFor(Path kubeconfig) {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + kubeconfig, e);
    }
  }

  public KubernetesClient client() {
    return client;
  }

  public EmbeddedKubernetes cluster() {
    return cluster;
  }

  /**
   * A second administrator client of the same server, e.g. for a second operator instance; the
   * caller closes it.
   */
  public KubernetesClient newClient() {
    return adminClient(cluster);
  }

  /**
   * Changes a stored pipeline as {@code kubectl edit} does (read, change, write guarded by
   * resourceVersion), again on a fresh read when a running operator wrote the pipeline in between
   * (409), as a user would.
   */
  public static StreamingPipeline editPipeline(
      KubernetesClient client, String namespace, String name, Consumer<StreamingPipeline> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client
            .resources(StreamingPipeline.class)
            .inNamespace(namespace)
            .withName(name)
            .edit(
                p -> {
                  change.accept(p);
                  return p;
                });
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** Creates (or replaces) a Secret with the given string values. */
  public void secret(String namespace, String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withData(data)
                .build())
        .createOr(op -> op.update());
  }

  /**
   * Deletes this class's namespaces. Pipelines left behind lose their finalizer first (the operator
   * that would remove it is stopped by now), so the namespace controller can finish.
   */
  @Override
  public void close() {
    try {
      for (String namespace : namespaces) {
        for (StreamingPipeline pipeline :
            client.resources(StreamingPipeline.class).inNamespace(namespace).list().getItems()) {
          editPipeline(
              client,
              namespace,
              pipeline.getMetadata().getName(),
              p -> p.getMetadata().setFinalizers(List.of()));
        }
        client.namespaces().withName(namespace).delete();
      }
      for (String namespace : namespaces) {
        client
            .namespaces()
            .withName(namespace)
            .waitUntilCondition(n -> n == null, 2, TimeUnit.MINUTES);
      }
    } finally {
      client.close();
    }
  }

  private static void installCrd(KubernetesClient client) {
    synchronized (CRD_LOCK) {
      if (crdInstalled) {
        return;
      }
      CustomResourceDefinition crd = client.resource(crd(client)).createOr(op -> op.update());
      client
          .resource(crd)
          .waitUntilCondition(
              c ->
                  c.getStatus() != null
                      && c.getStatus().getConditions() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              cond ->
                                  "Established".equals(cond.getType())
                                      && "True".equals(cond.getStatus())),
              1,
              TimeUnit.MINUTES);
      crdInstalled = true;
    }
  }

  private static CustomResourceDefinition crd(KubernetesClient client) {
    Path file =
        Path.of(System.getProperty("crd.checked-in.dir", "../crds"))
            .resolve("streamingpipelines.streaming.insight.dev-v1.yml");
    try (InputStream in = Files.newInputStream(file)) {
      return client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CRD at " + file.toAbsolutePath(), e);
    }
  }
}
