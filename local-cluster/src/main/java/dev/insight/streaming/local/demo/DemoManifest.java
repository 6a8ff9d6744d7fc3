package dev.insight.streaming.local.demo;

import dev.insight.streaming.local.cluster.LocalClusterException;
import dev.insight.streaming.local.cluster.OwnerOnlyFile;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import dev.insight.streaming.operator.api.validation.SpecProblem;
import dev.insight.streaming.operator.api.validation.SpecValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A manifest the demo applies: one StreamingPipeline and the Secrets it needs, with its Kafka,
 * Cassandra and MongoDB addresses rewritten to the servers on this machine, and any Secret it names
 * but lacks created.
 *
 * @param pipeline the pipeline, addresses rewritten
 * @param secrets the Secrets to create, the manifest's own and the missing ones
 */
public record DemoManifest(StreamingPipeline pipeline, List<Secret> secrets) {

  /** The demo pipeline from {@code examples/}, as the build copied it into this module. */
  public static final String DEMO_RESOURCE =
      "META-INF/streaming-pipeline/examples/demo-pipeline.yaml";

  static final String DEMO_CASSANDRA_USER = "cassandra";

  /** Reads the bundled demo pipeline. */
  public static DemoManifest demo(KubernetesClient client, ServerAddresses servers) {
    try (InputStream in = DemoManifest.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
      if (in == null) {
        throw new LocalClusterException(
            DEMO_RESOURCE + " is not on the classpath; rebuild local-cluster");
      }
      return parse(
          client,
          new String(in.readAllBytes(), StandardCharsets.UTF_8),
          "examples/demo-pipeline.yaml",
          servers);
    } catch (IOException e) {
      throw new LocalClusterException("cannot read " + DEMO_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /** Reads a manifest file the user named. */
  public static DemoManifest file(KubernetesClient client, Path file, ServerAddresses servers) {
    try {
      return parse(client, Files.readString(file), file.toString(), servers);
    } catch (IOException e) {
      throw new LocalClusterException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses, rewrites and checks a manifest.
   *
   * @throws LocalClusterException one line naming the file and what is wrong with it
   */
  public static DemoManifest parse(
      KubernetesClient client, String yaml, String source, ServerAddresses servers) {
    List<HasMetadata> items;
    try {
      items = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    } catch (RuntimeException e) {
      throw new LocalClusterException(source + " is not a valid manifest: " + firstLine(e));
    }
    List<StreamingPipeline> pipelines = new ArrayList<>();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    for (HasMetadata item : items) {
      if (item == null) {
        continue;
      }
      if (StreamingPipeline.KIND.equals(item.getKind())) {
        try {
          pipelines.add(
              client.getKubernetesSerialization().convertValue(item, StreamingPipeline.class));
        } catch (RuntimeException e) {
          throw new LocalClusterException(
              source + ": the StreamingPipeline does not match the CRD: " + firstLine(e));
        }
      } else if (item instanceof Secret secret) {
        secrets.put(secret.getMetadata().getName(), secret);
      } else {
        throw new LocalClusterException(
            source
                + ": the demo applies only StreamingPipelines and Secrets, not "
                + item.getKind()
                + " "
                + item.getMetadata().getName());
      }
    }
    if (pipelines.size() != 1) {
      throw new LocalClusterException(
          source
              + " holds "
              + pipelines.size()
              + " StreamingPipelines; the demo runs"
              + " exactly one");
    }
    StreamingPipeline pipeline = pipelines.get(0);
    if (pipeline.getMetadata().getNamespace() == null) {
      pipeline.getMetadata().setNamespace("default");
    }
    List<SpecProblem> problems = SpecValidator.validate(pipeline);
    if (!problems.isEmpty()) {
      throw new LocalClusterException(
          source
              + ": "
              + problems.get(0)
              + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : ""));
    }
    rewrite(pipeline.getSpec(), servers, secrets, pipeline.getMetadata().getNamespace());
    secrets
        .values()
        .forEach(s -> s.getMetadata().setNamespace(pipeline.getMetadata().getNamespace()));
    return new DemoManifest(pipeline, List.copyOf(secrets.values()));
  }

  /**
   * Creates (or replaces) the Secrets, then the pipeline.
   *
   * @throws LocalClusterException with the API server's reason when it refuses one (the CRD's
   *     schema and CEL rules check the pipeline)
   */
  public StreamingPipeline apply(KubernetesClient client) {
    try {
      for (Secret secret : secrets) {
        client
            .secrets()
            .inNamespace(secret.getMetadata().getNamespace())
            .resource(secret)
            .createOr(r -> r.update());
      }
      return client.resource(pipeline).createOr(r -> r.update());
    } catch (KubernetesClientException e) {
      String reason =
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : e.getMessage();
      throw new LocalClusterException("the API server refused the manifest: " + reason, e);
    }
  }

  /**
   * The manifest as the demo applies it (Secrets first), as YAML a user can edit and {@code kubectl
   * apply -f}.
   */
  public String yaml() {
    StringBuilder out = new StringBuilder();
    for (HasMetadata item : secrets) {
      out.append(document(item));
    }
    out.append(document(pipeline));
    return out.toString();
  }

  /**
   * Writes {@link #yaml()} to {@code file}, readable by its owner only (the Secrets are in it).
   *
   * @return the file
   */
  public Path write(Path file) {
    return OwnerOnlyFile.write(file, yaml());
  }

  private static String document(HasMetadata item) {
    String text = io.fabric8.kubernetes.client.utils.Serialization.asYaml(item);
    return text.startsWith("---") ? text : "---\n" + text;
  }

  private static void rewrite(
      StreamingPipelineSpec spec,
      ServerAddresses servers,
      Map<String, Secret> secrets,
      String namespace) {
    // what the schema requires but is missing is left for the API server to refuse, by name
    if (spec.getKafka() != null) {
      spec.getKafka().setBootstrapServers(servers.bootstrapServers());
    }
    if (spec.getSinks() == null) {
      return;
    }
    var cassandra = spec.getSinks().getCassandra();
    if (cassandra != null) {
      cassandra.setContactPoints(new ArrayList<>(List.of(servers.cassandraContactPoint())));
      cassandra.setLocalDatacenter(servers.cassandraDatacenter());
      var credentials = cassandra.getCredentialsSecret();
      if (credentials != null) {
        // the local node authenticates nobody, so any credentials do; the Secret only has to exist
        Secret existing = secrets.get(credentials.getName());
        Map<String, String> values = existing == null ? new LinkedHashMap<>() : values(existing);
        values.putIfAbsent(credentials.getUsernameKey(), DEMO_CASSANDRA_USER);
        values.putIfAbsent(credentials.getPasswordKey(), DEMO_CASSANDRA_USER);
        secrets.put(credentials.getName(), secret(credentials.getName(), namespace, values));
      }
    }
    var mongo = spec.getSinks().getMongodb();
    if (mongo != null) {
      String name = mongo.getUriSecret().getName();
      Map<String, String> values =
          Optional.ofNullable(secrets.get(name))
              .map(DemoManifest::values)
              .orElseGet(LinkedHashMap::new);
      values.put(mongo.getUriSecret().getKey(), servers.mongoUri());
      secrets.put(name, secret(name, namespace, values));
    }
  }

  private static Map<String, String> values(Secret secret) {
    Map<String, String> values = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }

  private static Secret secret(String name, String namespace, Map<String, String> values) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withType("Opaque")
        .withStringData(values)
        .build();
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
