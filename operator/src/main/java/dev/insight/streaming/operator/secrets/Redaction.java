package dev.insight.streaming.operator.secrets;

import java.util.Collection;
import java.util.Comparator;
import java.util.regex.Pattern;

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

  // user:password@ in a connection string (mongodb://, cassandra contact URLs, http://)
  private static final Pattern URI_USER_INFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@");

  // a JAAS line: everything after the key, to the end of the line
  private static final Pattern JAAS =
      Pattern.compile("(?i)(sasl\\.jaas\\.config\\s*[=:]\\s*)[^\\r\\n]+");

  // key=value or key: value where the key ends like a credential's name (not "...Secret: ", which
  // is how messages name the spec field that points at a Secret)
  private static final Pattern PASSWORD_LIKE =
      Pattern.compile(
          "(?i)([\\w.-]*(?:password|passwd|token|api[_.-]?key|secret[_.-]?key|access[_.-]?key|private[_.-]?key)\"?\\s*[=:]\\s*)"
              + "(?!\\[hidden\\])(\"[^\"]*\"|'[^']*'|[^\\s,;}\\])]+)");

  private Redaction() {}

  /**
   * {@code text} with credential-shaped parts masked whatever their values: the user info of URIs,
   * JAAS lines, and the values of password-, secret-, token- and key-like settings. For messages
   * whose secret values are not known to the caller (a client library's exception, a log line).
   */
  public static String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = URI_USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
    result = JAAS.matcher(result).replaceAll("$1" + MASK);
    return PASSWORD_LIKE.matcher(result).replaceAll("$1" + MASK);
  }

  /**
   * {@code text} with every occurrence of every value in {@code secretValues} replaced by {@link
   * #MASK}, and credential-shaped parts masked ({@link #scrub(String)}).
   */
  public static String scrub(String text, Collection<String> secretValues) {
    if (text == null) {
      return null;
    }
    String result = scrub(text);
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
