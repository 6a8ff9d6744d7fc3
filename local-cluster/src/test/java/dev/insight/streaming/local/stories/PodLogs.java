package dev.insight.streaming.local.stories;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The logs a node agent kept of its pods' containers, read after a story. */
public final class PodLogs {

  private PodLogs() {}

  /** Every container log under {@code clusterDir}'s {@code pods/} folder. */
  public static List<Path> under(Path clusterDir) {
    Path pods = clusterDir.resolve("pods");
    if (!Files.isDirectory(pods)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(pods)) {
      return files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * No driver or executor met a refusal of the API server (403) or took a pod name twice (409): the
   * Role the operator renders allows what Spark does at run time and at shutdown, and each run
   * names its executors anew.
   */
  public static void assertNoRefusal(Path clusterDir) {
    List<Path> logs = under(clusterDir);
    assertThat(logs).as("pod logs under %s", clusterDir).isNotEmpty();
    for (Path log : logs) {
      String text;
      try {
        text = Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertThat(text)
          .as("log %s", log)
          .doesNotContainIgnoringCase("forbidden")
          .doesNotContain("already exists");
    }
  }
}
