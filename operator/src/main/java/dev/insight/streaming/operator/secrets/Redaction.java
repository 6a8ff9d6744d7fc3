package dev.insight.streaming.operator.secrets;

import java.util.Collection;
import java.util.Comparator;

/**
 * Removes secret values from text that goes into status, events or logs. Errors of client libraries
 * sometimes echo a setting's value (a malformed JAAS line, a connection string), so every such
 * message passes through here.
 */
public final class Redaction {

  /** What a removed value is replaced with. */
  public static final String MASK = "***";

  // shorter values would mask ordinary words and numbers in messages; such values are no real
  // credential anyway
  private static final int SHORTEST_MASKED = 3;

  private Redaction() {}

  /**
   * {@code text} with every occurrence of every value in {@code secretValues} replaced by {@link
   * #MASK}.
   */
  public static String scrub(String text, Collection<String> secretValues) {
    if (text == null) {
      return null;
    }
    String result = text;
    // longest first, so a value that contains another is masked whole
    for (String value :
        secretValues.stream()
            .filter(v -> v != null && v.length() >= SHORTEST_MASKED)
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList()) {
      result = result.replace(value, MASK);
    }
    return result;
  }
}
