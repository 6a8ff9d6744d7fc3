package dev.insight.streaming.embedded;

import java.nio.file.Path;
import java.time.Duration;

/** Defaults shared by the child-JVM servers. */
final class StartOptions {

  /** Generous for slow shared CI; servers are ready in a few seconds here. */
  static final Duration DEFAULT_START_TIMEOUT =
      Duration.ofSeconds(Long.getLong("embedded.startTimeoutSeconds", 60));

  private StartOptions() {}

  /** The java launcher of the running JVM. */
  static Path currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}
