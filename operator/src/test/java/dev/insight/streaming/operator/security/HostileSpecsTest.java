package dev.insight.streaming.operator.security;

import static dev.insight.streaming.operator.testing.TestPipelines.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.PipelineOperator;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.RecordingServer;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A corpus of hostile manifests ({@code src/test/resources/hostile}), each written as a pipeline's
 * author who wants more than their namespace would write it. Each must end in an admission
 * rejection or in a condition that says what is refused, with no connection to the servers it names
 * (each case gets its own recording "broker", "MongoDB" and "Cassandra"), and no byte of the
 * operator's (fake) ServiceAccount token anywhere; meanwhile the operator keeps serving a healthy
 * pipeline beside them.
 *
 * <p>{@code ${KAFKA}} and {@code ${MONGO_URI}} name the real broker and MongoDB-wire server, for
 * cases that must get past topics and sinks (to the driver step) to be refused.
 *
 * <p>Each file starts with three comment lines: what the author attempts, {@code # expect:
 * admission <words of the API server's refusal>} or {@code # expect: condition <type> <reason>
 * <words of its message>}, and {@code # connections: none | mongo-none | allowed}.
 */
class HostileSpecsTest {

  private static final String NS = "hostile";
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final Duration LAG_INTERVAL = Duration.ofSeconds(2);

  @Test
  void everyHostileSpecIsRefusedWithoutAConnectionWhileOthersRun() throws Exception {
    String token = "fake-serviceaccount-token-" + UUID.randomUUID();
    Path tokenFile = Files.createTempFile("token", "");
    Files.writeString(tokenFile, token);
    List<Case> cases = new ArrayList<>();
    try (TestKubernetes kube = TestKubernetes.start(NS);
        PipelineOperator operator =
            new PipelineOperator(
                    kube.client(), OperatorSettings.defaults().withLagInterval(LAG_INTERVAL))
                .start()) {
      for (Path file : corpus()) {
        Case c = new Case(file);
        cases.add(c);
        c.apply(kube, tokenFile);
      }
      assertThat(cases).as("the corpus").hasSizeGreaterThanOrEqualTo(20);

      // beside them, an ordinary pipeline comes up
      StreamingPipeline healthy =
          TestPipelines.withMongo(
              TestPipelines.pipeline(NS, "healthy", SharedServers.kafka().bootstrapServers()));
      kube.secret(
          NS,
          TestPipelines.mongoSecret(healthy),
          values("uri", SharedServers.mongo().connectionString()));
      kube.client().resource(healthy).create();

      List<String> failures = new ArrayList<>();
      for (Case c : cases) {
        try {
          c.verify(kube);
        } catch (AssertionError | RuntimeException e) {
          failures.add(c.file + ": " + e.getMessage());
        }
      }
      try {
        PipelineStatus.await(
            kube.client(), healthy, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", SETTLE);
        PipelineStatus.await(
            kube.client(), healthy, Conditions.SINKS_READY, Conditions.TRUE, "Ready", SETTLE);
      } catch (RuntimeException e) {
        throw new AssertionError(
            "the healthy pipeline beside the corpus: "
                + Serialization.asYaml(
                    PipelineStatus.get(kube.client(), NS, "healthy").getStatus()),
            e);
      }

      // one more lag cycle, so the lag monitor has had its chance to connect too
      Thread.sleep(LAG_INTERVAL.toMillis() + 1_000);
      for (Case c : cases) {
        try {
          c.verifyConnections(token);
        } catch (AssertionError e) {
          failures.add(c.file + ": " + e.getMessage());
        }
      }
      assertThat(failures).as("cases that were not refused as expected").isEmpty();
    } finally {
      cases.forEach(Case::close);
      Files.deleteIfExists(tokenFile);
    }
  }

  private static List<Path> corpus() throws IOException, URISyntaxException {
    Path dir = Path.of(HostileSpecsTest.class.getResource("/hostile").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** One manifest of the corpus with its own recording servers. */
  private static final class Case implements AutoCloseable {
    final String file;
    final String name;
    final String text;
    final String expect;
    final String connections;
    final RecordingServer broker = new RecordingServer();
    final RecordingServer mongo = new RecordingServer();
    final RecordingServer cassandra = new RecordingServer();
    String refusal;
    StreamingPipeline pipeline;

    Case(Path path) throws IOException {
      file = path.getFileName().toString();
      // "07-client-classes-dropped.yaml" -> "h07"
      name = "h" + file.substring(0, 2);
      text = Files.readString(path, StandardCharsets.UTF_8);
      expect = header(text, "# expect: ");
      connections = header(text, "# connections: ");
    }

    private static String header(String text, String prefix) {
      return text.lines()
          .filter(l -> l.startsWith(prefix))
          .findFirst()
          .map(l -> l.substring(prefix.length()).strip())
          .orElseThrow(() -> new IllegalStateException("no '" + prefix + "' line"));
    }

    void apply(TestKubernetes kube, Path tokenFile) {
      String manifest =
          text.replace("${NS}", NS)
              .replace("${CASE}", name)
              .replace("${ID}", name)
              .replace("${BROKER}", broker.address())
              .replace("${KAFKA}", SharedServers.kafka().bootstrapServers())
              .replace("${MONGO}", mongo.address())
              .replace("${MONGO_URI}", SharedServers.mongo().connectionString())
              .replace("${CASSANDRA}", cassandra.address())
              .replace("${TOKEN_FILE}", tokenFile.toString());
      // ${REPEAT:n}: n characters of filler, for cases about sizes
      manifest =
          java.util.regex.Pattern.compile("\\$\\{REPEAT:(\\d+)}")
              .matcher(manifest)
              .replaceAll(m -> "x".repeat(Integer.parseInt(m.group(1))));
      List<String> docs = List.of(manifest.split("(?m)^---$"));
      for (String doc : docs) {
        if (doc.contains("kind: Secret")) {
          kube.client().resource(Serialization.unmarshal(doc, Secret.class)).create();
        }
      }
      for (String doc : docs) {
        if (doc.contains("kind: StreamingPipeline")) {
          // as kubectl sends it: untyped, with strict field validation
          GenericKubernetesResource untyped =
              Serialization.unmarshal(doc, GenericKubernetesResource.class);
          pipeline = new StreamingPipeline();
          pipeline.setMetadata(untyped.getMetadata());
          try {
            kube.client().resource(untyped).fieldValidation(Validation.STRICT).create();
          } catch (KubernetesClientException e) {
            refusal = e.getMessage();
          }
        }
      }
    }

    void verify(TestKubernetes kube) {
      String[] words = expect.split("\\s+", 4);
      if (words[0].equals("admission")) {
        assertThat(refusal)
            .as("%s: the API server refuses it", file)
            .isNotNull()
            .contains(expect.substring("admission ".length()));
        return;
      }
      assertThat(refusal).as("%s: admitted", file).isNull();
      Condition condition =
          PipelineStatus.await(
              kube.client(), pipeline, words[1], Conditions.FALSE, words[2], SETTLE);
      assertThat(condition.getMessage()).as("%s: %s's message", file, words[1]).contains(words[3]);
      StreamingPipeline stored = PipelineStatus.get(kube.client(), NS, name);
      assertThat(stored.getStatus().getConditions())
          .as("%s: every condition says something", file)
          .allSatisfy(c -> assertThat(c.getMessage()).isNotBlank());
    }

    void verifyConnections(String token) {
      for (RecordingServer server : List.of(broker, mongo, cassandra)) {
        assertThat(server.received())
            .as("%s: bytes sent to %s", file, server.address())
            .doesNotContain(token);
      }
      switch (connections) {
        case "none" ->
            assertThat(
                    Map.of(
                        "broker",
                        broker.connections(),
                        "mongo",
                        mongo.connections(),
                        "cassandra",
                        cassandra.connections()))
                .as("%s: connections made", file)
                .containsOnly(
                    Map.entry("broker", 0), Map.entry("mongo", 0), Map.entry("cassandra", 0));
        case "mongo-none" ->
            assertThat(mongo.connections()).as("%s: connections to MongoDB", file).isZero();
        case "allowed" -> {}
        default ->
            throw new IllegalStateException(file + ": unknown connections line " + connections);
      }
    }

    @Override
    public void close() {
      broker.close();
      mongo.close();
      cassandra.close();
    }
  }
}
