package dev.insight.streaming.jobconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.insight.streaming.sinkstores.FieldType;
import dev.insight.streaming.sinkstores.PipelineKey;
import dev.insight.streaming.sinkstores.cassandra.Replication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JobConfigTest {

  static final Path SAMPLES = Path.of("src/test/resources/jobconfig");

  @Test
  void everySampleParses() throws IOException {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      List<Path> samples = files.filter(f -> f.toString().endsWith(".json")).toList();
      assertThat(samples)
          .extracting(f -> f.getFileName().toString())
          .contains("minimal-pipeline.json", "full-pipeline.json", "demo-pipeline.json");
      samples.forEach(JobConfig::read);
    }
  }

  @Test
  void minimalSampleGetsItsDefaults() {
    JobConfig c = JobConfig.read(SAMPLES.resolve("minimal-pipeline.json"));
    assertThat(c.pipeline().key()).isEqualTo(new PipelineKey("default", "orders"));
    assertThat(c.kafka().consumerGroup()).isEqualTo("default.orders");
    assertThat(c.kafka().startingOffsets()).isEqualTo(KafkaConfig.StartingOffsets.earliest);
    assertThat(c.stream().batchIntervalDuration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.stream().backpressure()).isTrue();
    assertThat(c.stream().maxRatePerPartition()).isNull();
    assertThat(c.stream().partitionDiscoveryDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.transform().format()).isEqualTo("json");
    assertThat(c.transform().fields()).isEmpty();
    assertThat(c.deadLetter().topic()).isEqualTo("default.orders.dlq");
    assertThat(c.sinks().cassandra()).isNull();
    assertThat(c.sinks().mongodb().offsetsDatabase()).isEqualTo("streaming_pipeline");
  }

  @Test
  void fullSampleReadsEveryField() {
    JobConfig c = JobConfig.read(SAMPLES.resolve("full-pipeline.json"));
    assertThat(c.kafka().topics()).containsExactly("web.clicks", "mobile.clicks");
    assertThat(c.kafka().clientProperties(Map.of("KAFKA_SASL_JAAS_CONFIG", "jaas")::get))
        .containsEntry("sasl.jaas.config", "${env:KAFKA_SASL_JAAS_CONFIG}")
        .containsEntry("config.providers", "env")
        .doesNotContainValue("jaas")
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
    assertThat(c.stream().maxRatePerPartition()).isEqualTo(5000L);
    assertThat(c.transform().fields().get(1).effectiveSource()).isEqualTo("user.id");
    assertThat(c.transform().fields().get(2).effectiveSource()).isEqualTo("page");
    assertThat(c.transform().fields().get(4).fieldType()).isEqualTo(FieldType.TIMESTAMP);
    CassandraSinkConfig cassandra = c.sinks().cassandra();
    assertThat(cassandra.hosts()).containsExactly("cassandra-0.cassandra", "cassandra-1.cassandra");
    assertThat(cassandra.port()).isEqualTo(9042);
    assertThat(cassandra.replication().replication("datacenter1"))
        .isEqualTo(Replication.networkTopology(Map.of("datacenter1", 3)));
    assertThat(c.deadLetter().topic()).isEqualTo("clickstream.rejected");
  }

  @Test
  void aConfigSurvivesARoundTrip() {
    JobConfig c = JobConfig.read(SAMPLES.resolve("full-pipeline.json"));
    assertThat(JobConfig.parse(c.toJson())).isEqualTo(c);
  }

  @Test
  void secretsAreNamedNeverHeld() {
    assertThatThrownBy(
            () ->
                JobConfig.read(SAMPLES.resolve("full-pipeline.json"))
                    .kafka()
                    .clientProperties(Map.<String, String>of()::get))
        .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG");
    String withPassword =
        minimal()
            .replace(
                "\"topics\": [\"orders\"]",
                "\"topics\": [\"orders\"], \"clientConfig\": {\"ssl.truststore.password\": \"hunter2\"}");
    assertThatThrownBy(() -> JobConfig.parse(withPassword))
        .isInstanceOf(InvalidJobConfigException.class)
        .hasMessageContaining("kafka.clientConfig.ssl.truststore.password: holds a credential")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void everyProblemNamesItsField() {
    String json =
        """
                {"pipeline": {"namespace": "default", "name": "p"},
                 "kafka": {"bootstrapServers": "nohostport", "topics": ["ok", "bad topic"]},
                 "stream": {"batchInterval": "5 seconds", "maxRatePerPartition": 0},
                 "transform": {"keyFields": ["missing"], "fields": [{"name": "a", "type": "int"}, {"name": "a"}]},
                 "sinks": {"cassandra": {"contactPoints": [], "keyspace": "ks-1", "table": "t", "usernameEnv": "U"}}}
                """;
    assertThatThrownBy(() -> JobConfig.parse(json))
        .isInstanceOfSatisfying(
            InvalidJobConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "kafka.bootstrapServers: 'nohostport' is not a comma-separated host:port list",
                        "kafka.topics[1]: 'bad topic' is not a Kafka topic name",
                        "stream.batchInterval: '5 seconds' is not a duration like 500ms, 5s or 1m30s",
                        "stream.maxRatePerPartition: must be >= 1 (records per second per partition), or omitted for no limit",
                        "transform.fields[0].type: 'int' is not one of string, long, double, boolean, timestamp",
                        "transform.fields[1].name: 'a' is used by two fields",
                        "transform.keyFields[0]: 'missing' is not a name in transform.fields",
                        "sinks.cassandra.contactPoints: is required",
                        "sinks.cassandra.localDatacenter: is required",
                        "sinks.cassandra.keyspace: 'ks-1' is not a keyspace name ([a-zA-Z][a-zA-Z0-9_]{0,47})",
                        "sinks.cassandra: usernameEnv and passwordEnv go together: set both or neither"));
  }

  @Test
  void structuralErrorsNameTheirPath() {
    assertThatThrownBy(() -> JobConfig.parse(minimal().replace("\"uriEnv\"", "\"uri\"")))
        .isInstanceOf(InvalidJobConfigException.class)
        .hasMessageStartingWith("invalid JobConfig: sinks.mongodb.uri:");
    assertThatThrownBy(() -> JobConfig.parse(minimal().replace("[\"orders\"]", "{\"a\": 1}")))
        .hasMessageStartingWith("invalid JobConfig: kafka.topics:");
    assertThatThrownBy(() -> JobConfig.parse("{\"pipeline\": "))
        .hasMessageStartingWith("invalid JobConfig: (document): not JSON");
    assertThatThrownBy(
            () -> JobConfig.parse("{\"pipeline\": {\"namespace\": \"a\", \"name\": \"b\"}}"))
        .hasMessageContaining("kafka: is required")
        .hasMessageContaining("sinks: is required");
  }

  @Test
  void crossFieldRules() {
    // a Cassandra sink without fields is valid: the table keeps each whole record as JSON
    JobConfig fieldless =
        JobConfig.parse(
            minimal()
                .replace(
                    "\"sinks\": {",
                    "\"sinks\": {\"cassandra\": {\"contactPoints\": [\"h\"],"
                        + " \"localDatacenter\": \"dc\", \"keyspace\": \"k\", \"table\": \"t\"},"));
    assertThat(fieldless.sinks().cassandra()).isNotNull();
    assertThat(fieldless.transform().fields()).isEmpty();
    assertThatThrownBy(
            () ->
                JobConfig.parse(
                    minimal()
                        .replace(
                            "\"sinks\": {\"mongodb\"",
                            "\"deadLetter\": {\"topic\": \"orders\"}, \"sinks\": {\"mongodb\"")))
        .hasMessageContaining("deadLetter.topic: must not be one of kafka.topics");
    assertThatThrownBy(
            () ->
                JobConfig.parse(
                    minimal()
                        .replace(
                            "\"sinks\": {\"mongodb\": {\"uriEnv\": \"MONGODB_URI\", \"database\": \"shop\", \"collection\": \"orders\"}}",
                            "\"sinks\": {}")))
        .hasMessageContaining("sinks: needs at least one of cassandra, mongodb");
  }

  @Test
  void durations() {
    assertThat(StreamConfig.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(StreamConfig.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(StreamConfig.parse("2h")).isEqualTo(Duration.ofHours(2));
  }

  private static String minimal() {
    try {
      return Files.readString(SAMPLES.resolve("minimal-pipeline.json"))
          .replaceAll("\\s+", " ")
          .replace("\"sinks\": { \"mongodb\": {\"uriEnv\"", "\"sinks\": {\"mongodb\": {\"uriEnv\"")
          .replace("\"collection\": \"orders\"} }", "\"collection\": \"orders\"}}")
          .replace("\"topics\": [\"orders\"] }", "\"topics\": [\"orders\"]}");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
