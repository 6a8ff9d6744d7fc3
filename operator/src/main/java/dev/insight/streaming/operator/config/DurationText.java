package dev.insight.streaming.operator.config;

import dev.insight.streaming.operator.api.Durations;
import java.time.Duration;

/**
 * Parses Kubernetes-style duration text such as {@code 500ms}, {@code 10s}, {@code 1m30s} or {@code
 * 2h}.
 */
public final class DurationText {

  private DurationText() {}

  /** The duration the text names (surrounding blanks ignored); see {@link Durations#parse}. */
  public static Duration parse(String text) {
    return Durations.parse(text == null ? null : text.trim());
  }

  /**
   * Short text for a duration, the inverse of {@link #parse} for whole seconds and milliseconds.
   */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds != 0 && seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
