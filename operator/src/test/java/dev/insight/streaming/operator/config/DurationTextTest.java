package dev.insight.streaming.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void parsesEveryUnitAndCompounds() {
    assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(DurationText.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationText.parse("2h")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void rejectsTextWithoutUnitsAndSaysWhatToWrite() {
    assertThatThrownBy(() -> DurationText.parse("10")).hasMessageContaining("e.g. 500ms, 10s");
    assertThatThrownBy(() -> DurationText.parse("-5s")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> DurationText.parse(null)).hasMessageContaining("not a duration");
  }

  @Test
  void formatsBackToTheShortestText() {
    assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(DurationText.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(DurationText.format(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(DurationText.parse(DurationText.format(Duration.ofSeconds(42))))
        .isEqualTo(Duration.ofSeconds(42));
  }
}
