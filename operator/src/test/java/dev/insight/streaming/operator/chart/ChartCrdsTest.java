package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart installs the very CRD generated from the Java model: same files, byte for byte. */
class ChartCrdsTest {

  private static final Path CHECKED_IN = Path.of("..", "crds").toAbsolutePath().normalize();
  private static final Path IN_CHART = OperatorChart.DIR.resolve("crds");

  @Test
  void chartCrdsAreTheCheckedInCrds() throws IOException {
    List<String> checkedIn = yamlFiles(CHECKED_IN);
    assertThat(checkedIn).as("CRDs in %s", CHECKED_IN).isNotEmpty();
    assertThat(yamlFiles(IN_CHART))
        .as("CRDs in %s (refresh with -Dupdate-crds)", IN_CHART)
        .containsExactlyElementsOf(checkedIn);
    for (String name : checkedIn) {
      assertThat(Files.readString(IN_CHART.resolve(name)))
          .as(name)
          .isEqualTo(Files.readString(CHECKED_IN.resolve(name)));
    }
  }

  private static List<String> yamlFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yml") || name.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
