package dev.insight.streaming.job.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

  @Test
  void writesProjectedAndCustomValuesAsOneJsonObjectInFieldOrder() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("seq", 7L);
    fields.put("amount", 1.75);
    fields.put("paid", true);
    fields.put("note", "a \"quoted\" text");
    fields.put("missing", null);
    fields.put("customer", Map.of("name", "c-7"));
    fields.put("tags", Arrays.asList("a", null, 3L));
    // what a custom transform may add
    fields.put("placedAt", Instant.parse("2024-01-01T00:00:07Z"));

    assertThat(RecordJson.of(fields))
        .isEqualTo(
            "{\"seq\":7,\"amount\":1.75,\"paid\":true,\"note\":\"a \\\"quoted\\\" text\","
                + "\"missing\":null,\"customer\":{\"name\":\"c-7\"},\"tags\":[\"a\",null,3],"
                + "\"placedAt\":\"2024-01-01T00:00:07Z\"}");
    assertThat(RecordJson.of(Map.of())).isEqualTo("{}");
    assertThat(RecordJson.of(Map.of("list", List.of()))).isEqualTo("{\"list\":[]}");
  }
}
