package dev.insight.streaming.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A cluster key is printable and can scrub messages without revealing its secret settings. */
class KafkaClusterTest {

  final KafkaCluster cluster =
      new KafkaCluster(
          "kafka:9092",
          Map.of(
              "security.protocol",
              "SASL_SSL",
              "sasl.jaas.config",
              "ScramLoginModule password=\"p4ss-w0rd\";"),
          Set.of("sasl.jaas.config"));

  @Test
  void toStringNamesKeysNotValues() {
    assertThat(cluster.toString())
        .contains("kafka:9092", "sasl.jaas.config")
        .doesNotContain("p4ss-w0rd");
  }

  @Test
  void redactMasksSecretValuesOnly() {
    assertThat(cluster.redact("bad config ScramLoginModule password=\"p4ss-w0rd\"; with SASL_SSL"))
        .doesNotContain("p4ss-w0rd")
        .contains("SASL_SSL");
  }

  @Test
  void adminSettingsKeepTheOperatorsTimeouts() {
    KafkaCluster slow = new KafkaCluster("kafka:9092", Map.of("default.api.timeout.ms", "600000"));
    assertThat(KafkaClusters.properties(slow))
        .containsEntry("default.api.timeout.ms", (int) KafkaClusters.API_TIMEOUT.toMillis());
  }
}
