package dev.insight.streaming.local.pods;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh folder per test class under the build folder, kept after the run so driver logs can be
 * read.
 */
public final class WorkDirs {

  private WorkDirs() {}

  public static Path forTest(Class<?> test) {
    Path dir =
        Path.of(System.getProperty("local.cluster.work.dir", "target/local-cluster"))
            .resolve(test.getSimpleName())
            .toAbsolutePath();
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> old = Files.walk(dir)) {
          old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
