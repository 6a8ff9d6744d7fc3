package dev.insight.streaming.operator.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the spec's duration strings ({@link Formats#DURATION}, e.g. {@code 1m30s}) into {@link
 * Duration}s.
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /**
   * The duration {@code text} stands for; IllegalArgumentException when it is not in the spec's
   * format.
   */
  public static Duration parse(String text) {
    if (text == null || !text.matches(Formats.DURATION)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a duration: use a number with a unit ms, s, m or h, e.g. 500ms, 10s, 1m30s");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long amount = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
              });
    }
    return total;
  }
}
