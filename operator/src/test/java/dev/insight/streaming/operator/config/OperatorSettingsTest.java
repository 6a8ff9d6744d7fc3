package dev.insight.streaming.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void emptyNamespaceSetMeansAll() {
    assertThat(OperatorSettings.defaults().watchesAllNamespaces()).isTrue();
    assertThat(OperatorSettings.defaults().withNamespaces(Set.of("a")).watchesAllNamespaces())
        .isFalse();
  }

  @Test
  void driversAreBoundToTheChartsDriverClusterRoleUnlessTold() {
    assertThat(OperatorSettings.defaults().driverClusterRole())
        .isEqualTo("streaming-pipeline-operator-driver");
    assertThat(OperatorSettings.defaults().withDriverClusterRole("spo-driver").driverClusterRole())
        .isEqualTo("spo-driver");
    assertThatThrownBy(() -> OperatorSettings.defaults().withDriverClusterRole(" "))
        .hasMessageContaining("driver ClusterRole");
  }

  @Test
  void rejectsImpossiblePortsAndIntervals() {
    assertThatThrownBy(() -> OperatorSettings.defaults().withHttpPort(70000))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> OperatorSettings.defaults().withLagInterval(Duration.ZERO))
        .hasMessageContaining("must be positive");
  }
}
