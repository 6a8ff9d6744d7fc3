package dev.insight.streaming.operator.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Spark's JVM options for Java 17, as the build's one list ({@code spark.java17.flags} in the
 * parent POM) filtered into this operator's resources, so the driver and executors get exactly what
 * the tests run with.
 */
public final class SparkJavaOptions {

  static final String RESOURCE = "spark-java17.flags";
  private static final String FLAGS = load();

  private SparkJavaOptions() {}

  /** The options, space separated, as spark.driver.extraJavaOptions takes them. */
  public static String flags() {
    return FLAGS;
  }

  private static String load() {
    try (InputStream in = SparkJavaOptions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the operator's classpath");
      }
      String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      // an unfiltered copy (a build that skipped resource filtering) would hand Spark a literal
      // ${...}
      if (flags.isEmpty() || flags.contains("${")) {
        throw new IllegalStateException(
            RESOURCE + " was not filtered by the build: '" + flags + "'");
      }
      return flags;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
