package dev.insight.streaming.operator.secrets;

import static dev.insight.streaming.operator.testing.TestPipelines.closedPort;
import static dev.insight.streaming.operator.testing.TestPipelines.values;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.PipelineOperator;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.SecretRef;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.testing.CapturedLogs;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Credentials flow from Secrets into the Kafka Admin, the Cassandra session and the MongoDB client,
 * on happy and failing paths; afterwards no status, event or log line of this JVM holds any of
 * their values.
 */
class SecretValuesNeverShowTest {

  static final String NS = "secrets";
  static final Duration WITHIN = Duration.ofSeconds(60);
  static final List<String> SECRET_VALUES =
      List.of(
          "kafka-ssl-pw-Q7x2",
          "cass-user-M3n8",
          "cass-pw-T5v6",
          "mongo-user-K4p1",
          "mongo-pw-R2d9");

  @Test
  void noSecretValueInStatusEventsOrLogs() {
    String bootstrap = SharedServers.kafka().bootstrapServers();
    EmbeddedCassandra cassandra = SharedServers.cassandra();
    // the most verbose level the chart offers: only the pinned client-library loggers stay quieter
    try (CapturedLogs logs = CapturedLogs.attachAsWritten(Level.TRACE);
        TestKubernetes kube = TestKubernetes.start(NS);
        PipelineOperator operator =
            new PipelineOperator(kube.client(), OperatorSettings.defaults()).start()) {
      // ready path: a Kafka client Secret (a password-typed setting, harmless on a plaintext
      // listener) and
      // Cassandra credentials (the test node does not ask for them, so they are offered and never
      // challenged)
      StreamingPipeline ready =
          TestPipelines.withCassandra(
              TestPipelines.pipeline(NS, "with-creds", bootstrap),
              cassandra.contactPoint(),
              cassandra.localDatacenter(),
              true);
      SecretRef kafkaSecret = new SecretRef();
      kafkaSecret.setName("kafka-client");
      ready.getSpec().getKafka().setClientSecret(kafkaSecret);
      kube.secret(NS, "kafka-client", values("ssl.key.password", "kafka-ssl-pw-Q7x2"));
      kube.secret(
          NS,
          "with-creds-cassandra",
          values("username", "cass-user-M3n8", "password", "cass-pw-T5v6"));
      kube.client().resource(ready).create();

      // failing paths: the same credentials against a closed port, and a MongoDB URI with user and
      // password
      StreamingPipeline cassandraDown =
          TestPipelines.withCassandra(
              TestPipelines.pipeline(NS, "creds-down", bootstrap),
              "127.0.0.1:" + closedPort(),
              cassandra.localDatacenter(),
              true);
      kube.secret(
          NS,
          "creds-down-cassandra",
          values("username", "cass-user-M3n8", "password", "cass-pw-T5v6"));
      kube.client().resource(cassandraDown).create();
      StreamingPipeline mongoDown =
          TestPipelines.withMongo(TestPipelines.pipeline(NS, "mongo-down", bootstrap));
      kube.secret(
          NS,
          "mongo-down-mongo",
          values(
              "uri",
              "mongodb://mongo-user-K4p1:mongo-pw-R2d9@127.0.0.1:" + closedPort() + "/admin"));
      kube.client().resource(mongoDown).create();

      PipelineStatus.await(
          kube.client(), ready, Conditions.SINKS_READY, Conditions.TRUE, "Ready", WITHIN);
      PipelineStatus.await(
          kube.client(),
          cassandraDown,
          Conditions.SINKS_READY,
          Conditions.FALSE,
          "SinkUnreachable",
          WITHIN);
      PipelineStatus.await(
          kube.client(),
          mongoDown,
          Conditions.SINKS_READY,
          Conditions.FALSE,
          "SinkUnreachable",
          WITHIN);

      String pipelines =
          kube.client()
              .getKubernetesSerialization()
              .asJson(
                  kube.client()
                      .resources(StreamingPipeline.class)
                      .inNamespace(NS)
                      .list()
                      .getItems());
      String events =
          kube.client()
              .getKubernetesSerialization()
              .asJson(kube.client().v1().events().inNamespace(NS).list().getItems());
      List<String> lines = logs.lines();
      String configMaps =
          kube.client()
              .getKubernetesSerialization()
              .asJson(kube.client().configMaps().inNamespace(NS).list().getItems());
      String pods =
          kube.client()
              .getKubernetesSerialization()
              .asJson(kube.client().pods().inNamespace(NS).list().getItems());

      // the scan looks at what it should: failures were reported and the Kafka secret reached the
      // Admin's config
      assertThat(pipelines).contains("SinkUnreachable", "mongo-down", "creds-down");
      assertThat(events).contains("SinkUnreachable");
      assertThat(lines).anyMatch(l -> l.contains("creds-down") && l.contains("unreachable"));
      assertThat(lines).anyMatch(l -> l.contains("ssl.key.password = [hidden]"));
      assertThat(lines).as("lines below INFO").anyMatch(l -> l.startsWith("DEBUG"));
      for (String secret : SECRET_VALUES) {
        assertThat(pipelines).as("pipelines and their status").doesNotContain(secret);
        assertThat(events).as("events").doesNotContain(secret);
        assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
        assertThat(configMaps).as("ConfigMaps").doesNotContain(secret);
        assertThat(pods).as("pod specs (credentials only as secretKeyRef)").doesNotContain(secret);
      }
    }
  }
}
