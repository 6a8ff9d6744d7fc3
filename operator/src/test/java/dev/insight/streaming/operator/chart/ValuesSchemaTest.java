package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * values.schema.json turns bad values away before anything is rendered, naming the offending value.
 */
class ValuesSchemaTest {

  @Test
  void rejectsNegativeReplicas() {
    assertRejected(Map.of("replicaCount", -1), "at '/replicaCount': minimum: got -1");
  }

  @Test
  void rejectsAnUnknownLogLevel() {
    assertRejected(
        Map.of("logging", Map.of("level", "VERBOSE", "format", "text")),
        "at '/logging/level': value must be one of");
  }

  @Test
  void rejectsAWrongType() {
    assertRejected(
        Map.of("leaderElection", Map.of("enabled", "yes", "leaseName", "x")),
        "at '/leaderElection/enabled': got string, want boolean");
  }

  @Test
  void rejectsSeveralReplicasWithoutLeaderElection() {
    assertRejected(
        Map.of("replicaCount", 2, "leaderElection", Map.of("enabled", false)),
        "at '/replicaCount': maximum: got 2");
  }

  @Test
  void rejectsAServiceMonitorWithoutTheServiceItScrapes() {
    assertRejected(
        Map.of(
            "metrics",
            Map.of("service", Map.of("enabled", false), "serviceMonitor", Map.of("enabled", true))),
        "at '/metrics/service/enabled'");
  }

  @Test
  void rejectsAMisspeltKey() {
    assertRejected(Map.of("watchNamespace", List.of("team-a")), "'watchNamespace' not allowed");
  }

  @Test
  void rejectsAnInvalidNamespaceName() {
    assertRejected(Map.of("watchNamespaces", List.of("Team_A")), "at '/watchNamespaces/0'");
  }

  @Test
  void rejectsClusterWideWithWatchedNamespaces() {
    // one or the other: a list next to clusterWide would say the operator watches less than it may
    assertRejected(
        Map.of("clusterWide", true, "watchNamespaces", List.of("team-a")),
        "at '/watchNamespaces': maxItems: got 1, want 0");
  }

  @Test
  void rejectsAMongoMechanismOutsideTheAmbientOnes() {
    assertRejected(
        Map.of("allowMongodbAuthMechanisms", List.of("SCRAM-SHA-256")),
        "at '/allowMongodbAuthMechanisms/0'");
  }

  @Test
  void rejectsAClusterWideThatIsNotABoolean() {
    assertRejected(Map.of("clusterWide", "yes"), "at '/clusterWide': got string, want boolean");
  }

  @Test
  void acceptsTheSameShapesWithGoodValues() {
    // the counterpart of the rejections above: each key is fine when its value is
    assertThatCode(
            () ->
                OperatorChart.template(
                    Map.of(
                        "replicaCount",
                        0,
                        "logging",
                        Map.of("level", "DEBUG", "format", "json"),
                        "leaderElection",
                        Map.of("enabled", false, "leaseName", "x"),
                        "watchNamespaces",
                        List.of("team-a"),
                        "lagInterval",
                        "1m30s")))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> OperatorChart.template(Map.of("clusterWide", true, "watchNamespaces", List.of())))
        .doesNotThrowAnyException();
  }

  private static void assertRejected(Map<String, Object> values, String reason) {
    assertThatThrownBy(() -> OperatorChart.template(values))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(reason);
  }
}
