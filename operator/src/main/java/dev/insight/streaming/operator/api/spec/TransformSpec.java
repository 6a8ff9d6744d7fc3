package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** How each record is parsed and projected into the row written to the sinks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.fields) || size(self.fields) == 0 || !has(self.keyFields)"
            + " || self.keyFields.all(k, self.fields.exists(f, f.name == k))",
    message =
        "transform.keyFields must name fields listed in transform.fields: add the field or fix the name",
    fieldPath = ".keyFields")
public class TransformSpec {

  @Default("json")
  @JsonPropertyDescription("Encoding of record values. Only json for now.")
  private RecordFormat format = RecordFormat.JSON;

  @Size(max = 8)
  @JsonPropertyDescription(
      "Output fields whose values form the row id, so replays overwrite instead of"
          + " duplicating. Omitted or empty: the id is topic/partition/offset.")
  @ValidationRule(
      value = "self.all(k, size(k) > 0)",
      message = "transform.keyFields entries must be non-empty field names")
  @ValidationRule(
      value = "self.all(k, self.exists_one(j, j == k))",
      message = "transform.keyFields must not repeat a field")
  private List<@Size(max = 48) String> keyFields = new ArrayList<>();

  @Size(max = 128)
  @JsonPropertyDescription(
      "Fields to project, rename and convert. Omitted or empty: every top-level field of the"
          + " record, as it is (a Cassandra sink stores the whole record as JSON in its record"
          + " column).")
  @ValidationRule(
      value = "self.all(f, self.exists_one(g, g.name == f.name))",
      message = "transform.fields must have unique names: two fields would write the same column")
  private List<FieldSpec> fields = new ArrayList<>();

  @Size(min = 1, max = 512)
  @Pattern(Formats.JAVA_CLASS)
  @JsonPropertyDescription(
      "Fully qualified class implementing the job's RecordTransform plug-in interface, applied"
          + " after projection; it must be on the job image's classpath.")
  private String customClass;

  public RecordFormat getFormat() {
    return format;
  }

  public void setFormat(RecordFormat format) {
    this.format = format;
  }

  public List<String> getKeyFields() {
    return keyFields;
  }

  public void setKeyFields(List<String> keyFields) {
    this.keyFields = keyFields;
  }

  public List<FieldSpec> getFields() {
    return fields;
  }

  public void setFields(List<FieldSpec> fields) {
    this.fields = fields;
  }

  public String getCustomClass() {
    return customClass;
  }

  public void setCustomClass(String customClass) {
    this.customClass = customClass;
  }
}
