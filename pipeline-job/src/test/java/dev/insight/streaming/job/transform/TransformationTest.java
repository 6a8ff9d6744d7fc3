package dev.insight.streaming.job.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.insight.streaming.jobconfig.FieldConfig;
import dev.insight.streaming.jobconfig.TransformConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformationTest {

  private static final List<FieldConfig> FIELDS =
      List.of(
          new FieldConfig("orderId", "id", "string"),
          new FieldConfig("customer", "customer.name", "string"),
          new FieldConfig("amount", null, "double"),
          new FieldConfig("quantity", null, "long"),
          new FieldConfig("paid", null, "boolean"),
          new FieldConfig("placedAt", "at", "timestamp"));

  @Test
  void projectsRenamesAndConvertsEveryType() throws Exception {
    SinkRow row =
        transform(
            List.of("orderId"),
            null,
            "{\"id\":\"o-1\",\"customer\":{\"name\":\"Ann\"},\"amount\":12,\"quantity\":\"3\",\"paid\":true,"
                + "\"at\":\"2024-05-06T07:08:09.010Z\",\"ignored\":1}");
    assertThat(row.id()).isEqualTo("o-1");
    assertThat(row.fields())
        .containsExactly(
            Map.entry("orderId", "o-1"),
            Map.entry("customer", "Ann"),
            Map.entry("amount", 12.0),
            Map.entry("quantity", 3L),
            Map.entry("paid", true),
            Map.entry("placedAt", Instant.parse("2024-05-06T07:08:09.010Z")));
  }

  @Test
  void timestampsAcceptEpochMillisAndOffsets() throws Exception {
    assertThat(transform(List.of(), null, "{\"at\": 1700000000123}").fields().get("placedAt"))
        .isEqualTo(Instant.ofEpochMilli(1700000000123L));
    assertThat(
            transform(List.of(), null, "{\"at\": \"2024-01-01T01:00:00+01:00\"}")
                .fields()
                .get("placedAt"))
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
  }

  @Test
  void absentFieldsAreNullAndTheDefaultIdIsTheRecordsCoordinates() throws Exception {
    SinkRow row = transform(List.of(), null, "{\"amount\": 1.5}");
    assertThat(row.id()).isEqualTo("t/3/42");
    assertThat(row.fields().get("customer")).isNull();
  }

  @Test
  void severalKeyFieldsFormAnUnambiguousId() throws Exception {
    String a =
        transform(
                List.of("orderId", "customer"),
                null,
                "{\"id\":\"a/b\",\"customer\":{\"name\":\"c\"}}")
            .id();
    String b =
        transform(
                List.of("orderId", "customer"),
                null,
                "{\"id\":\"a\",\"customer\":{\"name\":\"b/c\"}}")
            .id();
    assertThat(a).isEqualTo("a\\/b/c").isNotEqualTo(b);
  }

  @Test
  void malformedRecordsSayWhy() {
    assertThatThrownBy(() -> transform(List.of("orderId"), null, "not json"))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> transform(List.of("orderId"), null, "[1,2]"))
        .hasMessage("not a JSON object");
    assertThatThrownBy(() -> transform(List.of("orderId"), null, "{\"amount\": 1}"))
        .hasMessage("key field 'orderId' is missing");
    assertThatThrownBy(() -> transform(List.of(), null, "{\"quantity\": 1.5}"))
        .hasMessage("field 'quantity' (from 'quantity'): 1.5 is not a long");
    assertThatThrownBy(() -> transform(List.of(), null, "{\"paid\": \"yes\"}"))
        .hasMessage("field 'paid' (from 'paid'): \"yes\" is not a boolean");
    assertThatThrownBy(() -> transform(List.of(), null, "{\"at\": \"yesterday\"}"))
        .hasMessage("field 'placedAt' (from 'at'): \"yesterday\" is not a timestamp");
    assertThatThrownBy(() -> transform(List.of(), null, "")).hasMessage("empty record value");
  }

  /**
   * The projection reads the bytes once, without a tree, for the common shapes; these are the
   * shapes it hands to the tree conversion instead, and what a tree of the whole record would have
   * given.
   */
  @Test
  void theOnePassProjectionAgreesWithATreeOfTheRecord() throws Exception {
    // a repeated key: the last one wins, also for a field under it
    SinkRow row =
        transform(
            List.of(),
            null,
            "{\"customer\":{\"name\":\"first\"},\"id\":\"a\",\"customer\":{\"other\":1},"
                + "\"id\":\"b\",\"skipped\":{\"deep\":[1,{\"x\":[]}]},\"amount\":7}");
    assertThat(row.fields().get("orderId")).isEqualTo("b");
    assertThat(row.fields().get("customer")).isNull();
    assertThat(row.fields().get("amount")).isEqualTo(7.0);
    // scalars of another JSON type than their field's: converted as the tree conversion does
    row =
        transform(
            List.of(),
            null,
            "{\"id\":12.5,\"quantity\":\" 42 \",\"amount\":\"1e3\",\"paid\":\"false\","
                + "\"at\":1700000000123}");
    assertThat(row.fields())
        .containsEntry("orderId", "12.5")
        .containsEntry("quantity", 42L)
        .containsEntry("amount", 1000.0)
        .containsEntry("paid", false)
        .containsEntry("placedAt", Instant.ofEpochMilli(1700000000123L));
    // a number past a long, an object where a string was expected
    assertThatThrownBy(() -> transform(List.of(), null, "{\"quantity\":12345678901234567890}"))
        .hasMessage("field 'quantity' (from 'quantity'): 12345678901234567890 is not a long");
    assertThatThrownBy(() -> transform(List.of(), null, "{\"id\":{\"a\":1}}"))
        .hasMessage("field 'orderId' (from 'id'): {\"a\":1} is not a string");
    // broken JSON after the configured fields is still broken JSON
    assertThatThrownBy(() -> transform(List.of(), null, "{\"id\":\"a\",\"x\":[1,}"))
        .hasMessageStartingWith("not JSON");
    // null and a field read twice from one source
    Transformation twice =
        Transformation.of(
            new TransformConfig(
                null,
                null,
                List.of(new FieldConfig("a", "v", "string"), new FieldConfig("b", "v", "double")),
                null));
    assertThat(twice.apply(record("{\"v\":\"3.5\"}")).fields())
        .containsExactly(Map.entry("a", "3.5"), Map.entry("b", 3.5));
    assertThat(twice.apply(record("{\"v\":null}")).fields()).containsEntry("a", null);
  }

  @Test
  void theCustomTransformGetsAMapItMayChange() throws Exception {
    SinkRow row =
        transform(
            List.of("orderId"), ChangesTheMap.class.getName(), "{\"id\":\"o-1\",\"amount\":2}");
    assertThat(row.fields()).containsEntry("offset", 42L).doesNotContainKey("amount");
  }

  /** A plug-in that changes the map it is given, as the interface allows. */
  public static final class ChangesTheMap implements RecordTransform {
    @Override
    public Map<String, Object> apply(Map<String, Object> fields, SourceRecord source) {
      fields.put("offset", source.offset());
      fields.remove("amount");
      return fields;
    }
  }

  @Test
  void withoutFieldsTheRecordIsKeptAsItIs() throws Exception {
    Transformation t = Transformation.of(new TransformConfig(null, null, null, null));
    SinkRow row = t.apply(record("{\"a\":1,\"b\":{\"c\":[true,\"x\"]},\"d\":2.5}"));
    assertThat(row.fields())
        .containsExactly(
            Map.entry("a", 1L),
            Map.entry("b", Map.of("c", List.of(true, "x"))),
            Map.entry("d", 2.5));
  }

  @Test
  void aCustomTransformRunsAfterProjectionAndMayReject() throws Exception {
    SinkRow row =
        transform(
            List.of("orderId"),
            UpperCaseCustomer.class.getName(),
            "{\"id\":\"o-1\",\"customer\":{\"name\":\"ann\"}}");
    assertThat(row.fields().get("customer")).isEqualTo("ANN");
    assertThatThrownBy(
            () ->
                transform(
                    List.of("orderId"), UpperCaseCustomer.class.getName(), "{\"id\":\"o-2\"}"))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessage("no customer");
    assertThatThrownBy(
            () -> Transformation.of(new TransformConfig(null, null, FIELDS, "com.example.Missing")))
        .hasMessageContaining("not on the job's classpath");
    assertThatThrownBy(
            () ->
                Transformation.of(new TransformConfig(null, null, FIELDS, String.class.getName())))
        .hasMessageContaining("does not implement");
  }

  /** A plug-in as a user would write one. */
  public static final class UpperCaseCustomer implements RecordTransform {
    @Override
    public Map<String, Object> apply(Map<String, Object> fields, SourceRecord source)
        throws MalformedRecordException {
      if (fields.get("customer") == null) {
        throw new MalformedRecordException("no customer");
      }
      Map<String, Object> out = new LinkedHashMap<>(fields);
      out.put("customer", fields.get("customer").toString().toUpperCase());
      return out;
    }
  }

  private static SinkRow transform(List<String> keys, String custom, String json)
      throws MalformedRecordException {
    return Transformation.of(new TransformConfig("json", keys, FIELDS, custom)).apply(record(json));
  }

  private static SourceRecord record(String json) {
    return new SourceRecord("t", 3, 42, 0, json.getBytes(StandardCharsets.UTF_8));
  }
}
