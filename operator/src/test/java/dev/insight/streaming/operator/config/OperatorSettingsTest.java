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
  void rejectsImpossiblePortsAndIntervals() {
    assertThatThrownBy(() -> OperatorSettings.defaults().withHttpPort(70000))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> OperatorSettings.defaults().withLagInterval(Duration.ZERO))
        .hasMessageContaining("must be positive");
  }
}
