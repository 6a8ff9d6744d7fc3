package dev.insight.streaming.jobconfig;

import dev.insight.streaming.sinkstores.FieldType;
import java.io.Serializable;

/**
 * One output field: its name in the sinks, the dotted path it is read from, and the type it is
 * converted to.
 */
public record FieldConfig(String name, String source, String type) implements Serializable {

  public FieldConfig {
    type = type == null ? "string" : type;
  }

  /** The record path this field reads: {@code source}, else {@code name}. */
  public String effectiveSource() {
    return source != null ? source : name;
  }

  /** The parsed type. */
  public FieldType fieldType() {
    return FieldType.fromName(type);
  }

  void validate(Problems p, String path) {
    p.matches(
        path + ".name", name, Problems.IDENTIFIER, "an identifier ([a-zA-Z][a-zA-Z0-9_]{0,47})");
    if (source != null) {
      p.matches(path + ".source", source, Problems.JSON_PATH, "a dotted path such as user.id");
    }
    try {
      FieldType.fromName(type);
    } catch (IllegalArgumentException e) {
      p.add(
          path + ".type", "'" + type + "' is not one of string, long, double, boolean, timestamp");
    }
  }
}
