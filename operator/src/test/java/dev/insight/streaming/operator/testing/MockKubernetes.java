package dev.insight.streaming.operator.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.rbac.OperatorAccess;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The fabric8 mock API server in CRUD mode with the StreamingPipeline CRD (as checked in under crds/) installed,
 * and a client for it. The mock does no garbage collection, validation or server-side apply.
 */
public final class MockKubernetes implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockKubernetes(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts the server, installs the CRD and creates {@code namespaces}. */
  public static MockKubernetes start(String... namespaces) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    // The CRUD mock refuses JOSDK's access review (it wants metadata) where an API server would answer it with
    // the caller's rules; answer with the leader-election rules the chart grants (OperatorAccess), nothing more.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, leaseAccessReview()).always();
    KubernetesClient client = server.createClient();
    try {
      client.resource(crd(client)).create();
      for (String namespace : namespaces) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
            .build()).create();
      }
      return new MockKubernetes(server, client);
    } catch (RuntimeException e) {
      client.close();
      server.destroy();
      throw e;
    }
  }

  public KubernetesClient client() {
    return client;
  }

  /** A second client of the same server, e.g. for a second operator instance; the caller closes it. */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  /** Creates (or replaces) a Secret with the given string values. */
  public void secret(String namespace, String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).endMetadata().withData(data).build()).createOr(op -> op.update());
  }

  /**
   * Makes the next status write of one pipeline fail with 409 Conflict, as an API server does when another writer
   * got there first. Needed because the CRUD mock ignores resourceVersion on {@code /status} writes.
   */
  public void conflictOnNextStatusWrite(String namespace, String name) {
    server.expect().put().withPath("/apis/" + StreamingPipeline.GROUP + "/" + StreamingPipeline.VERSION
            + "/namespaces/" + namespace + "/" + StreamingPipeline.PLURAL + "/" + name + "/status")
        .andReturn(409, new StatusBuilder().withStatus("Failure").withCode(409).withReason("Conflict")
            .withMessage("Operation cannot be fulfilled on " + StreamingPipeline.PLURAL + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again")
            .build())
        .once();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  private static SelfSubjectRulesReview leaseAccessReview() {
    return new SelfSubjectRulesReviewBuilder()
        .withNewStatus()
            .withIncomplete(false)
            .withResourceRules(OperatorAccess.leaderElection().stream().map(rule -> new ResourceRuleBuilder()
                .withApiGroups(rule.apiGroup()).withResources(rule.resource()).withVerbs(rule.verbs()).build())
                .toList())
        .endStatus()
        .build();
  }

  private static CustomResourceDefinition crd(KubernetesClient client) {
    Path file = Path.of(System.getProperty("crd.checked-in.dir", "../crds"))
        .resolve("streamingpipelines.streaming.insight.dev-v1.yml");
    try (InputStream in = Files.newInputStream(file)) {
      return client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CRD at " + file.toAbsolutePath(), e);
    }
  }
}
