package dev.insight.streaming.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The spec's duration and memory strings read the way the docs and CEL's duration() read them. */
class DurationsAndSizesTest {

  @Test
  void durationsAddTheirParts() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("not a duration");
  }

  @Test
  void memoryUnitsAreBinaryInBothFamilies() {
    assertThat(MemorySizes.mebibytes("1g")).isEqualTo(1024);
    assertThat(MemorySizes.mebibytes("1Gi")).isEqualTo(1024);
    assertThat(MemorySizes.mebibytes("512m")).isEqualTo(512);
    assertThat(MemorySizes.bytes("4k")).isEqualTo(4096);
    assertThatThrownBy(() -> MemorySizes.bytes("1024")).hasMessageContaining("not a memory size");
  }

  @Test
  void sparkSizeSettingsAreMebibytesUnlessTheyNameAUnit() {
    assertThat(MemorySizes.sparkMebibytes("512")).isEqualTo(512);
    assertThat(MemorySizes.sparkMebibytes("512m")).isEqualTo(512);
    assertThat(MemorySizes.sparkMebibytes("1G")).isEqualTo(1024);
    assertThat(MemorySizes.sparkMebibytes("2gb")).isEqualTo(2048);
    assertThat(MemorySizes.sparkMebibytes("2048k")).isEqualTo(2);
    assertThatThrownBy(() -> MemorySizes.sparkMebibytes("1Gi"))
        .hasMessageContaining("not a Spark size");
    assertThatThrownBy(() -> MemorySizes.sparkMebibytes("lots"))
        .hasMessageContaining("not a Spark size");
  }
}
