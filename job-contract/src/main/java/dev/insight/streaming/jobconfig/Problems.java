package dev.insight.streaming.jobconfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Collects validation problems, each prefixed with the JSON path of the field it concerns. */
final class Problems {

  static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,47}");
  static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Pattern JSON_PATH = Pattern.compile("[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*");
  static final Pattern JAVA_CLASS =
      Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*");
  static final Pattern HOST_OPTIONAL_PORT = Pattern.compile("[^,\\s:]+(:[0-9]{1,5})?");
  static final Pattern HOST_PORT_LIST =
      Pattern.compile("[^,\\s]+:[0-9]{1,5}(,[^,\\s]+:[0-9]{1,5})*");
  static final Pattern MONGO_DATABASE = Pattern.compile("[A-Za-z0-9_-]{1,63}");
  static final Pattern MONGO_COLLECTION = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,119}");

  private final List<String> problems = new ArrayList<>();

  void add(String path, String message) {
    problems.add(path + ": " + message);
  }

  /** True when present; else records "is required". */
  boolean required(String path, Object value) {
    boolean present =
        value != null
            && !(value instanceof String s && s.isBlank())
            && !(value instanceof Collection<?> c && c.isEmpty());
    if (!present) {
      add(path, "is required");
    }
    return present;
  }

  void matches(String path, String value, Pattern pattern, String what) {
    if (required(path, value) && !pattern.matcher(value).matches()) {
      add(path, "'" + value + "' is not " + what);
    }
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new InvalidJobConfigException(problems);
    }
  }
}
