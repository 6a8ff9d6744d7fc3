package dev.insight.streaming.jobconfig;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Records to rows: the record format, the projected fields, the fields forming the row id, an
 * optional plug-in.
 */
public record TransformConfig(
    String format, List<String> keyFields, List<FieldConfig> fields, String customClass)
    implements Serializable {

  public TransformConfig {
    format = format == null ? "json" : format;
    keyFields = keyFields == null ? List.of() : List.copyOf(keyFields);
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  static TransformConfig defaults() {
    return new TransformConfig(null, null, null, null);
  }

  void validate(Problems p) {
    if (!"json".equals(format)) {
      p.add("transform.format", "'" + format + "' is not supported (json)");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < fields.size(); i++) {
      FieldConfig f = fields.get(i);
      if (f == null) {
        p.add("transform.fields[" + i + "]", "is null");
        continue;
      }
      f.validate(p, "transform.fields[" + i + "]");
      if (f.name() != null && !names.add(f.name())) {
        p.add("transform.fields[" + i + "].name", "'" + f.name() + "' is used by two fields");
      }
    }
    for (int i = 0; i < keyFields.size(); i++) {
      String k = keyFields.get(i);
      if (!fields.isEmpty() && !names.contains(k)) {
        p.add("transform.keyFields[" + i + "]", "'" + k + "' is not a name in transform.fields");
      } else if (k == null || k.isBlank()) {
        p.add("transform.keyFields[" + i + "]", "is empty");
      }
    }
    if (new HashSet<>(keyFields).size() != keyFields.size()) {
      p.add("transform.keyFields", "names a field twice");
    }
    if (customClass != null) {
      p.matches(
          "transform.customClass",
          customClass,
          Problems.JAVA_CLASS,
          "a fully qualified Java class name");
    }
  }
}
