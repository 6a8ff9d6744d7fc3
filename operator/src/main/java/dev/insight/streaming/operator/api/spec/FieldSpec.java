package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One column of the output row: where it comes from in the record and its type. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FieldSpec {

  @Required
  @Size(min = 1, max = 48)
  @Pattern(Formats.IDENTIFIER)
  @JsonPropertyDescription("Name of the field in the output row (Cassandra column, MongoDB field).")
  private String name;

  @Size(min = 1, max = 256)
  @Pattern(Formats.JSON_PATH)
  @JsonPropertyDescription(
      "Dotted path of the value in the JSON record, e.g. user.id. Omitted: the same as name"
          + " (set it to rename a field).")
  private String source;

  // no schema default inside a list item (see TopicSpec.partitions); the model defaults it
  @JsonPropertyDescription(
      "Type the value is converted to: string, long, double, boolean or timestamp. A value"
          + " that cannot be converted sends the record to the dead-letter topic. Omitted: string."
          + " Cassandra cannot change a column's type: a changed type is refused"
          + " (SinkSchemaIncompatible) until the field gets a new name or the sink a new table.")
  private FieldType type = FieldType.STRING;

  /** The record path this field reads: {@code source}, else {@code name}. */
  public String effectiveSource() {
    return source != null ? source : name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public FieldType getType() {
    return type;
  }

  public void setType(FieldType type) {
    this.type = type;
  }
}
