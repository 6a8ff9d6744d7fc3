package dev.insight.streaming.job.write;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoClientSettings;
import dev.insight.streaming.job.transform.RowVersion;
import dev.insight.streaming.job.transform.SinkRow;
import dev.insight.streaming.job.transform.SourceRecord;
import dev.insight.streaming.job.transform.Transformation;
import dev.insight.streaming.jobconfig.FieldConfig;
import dev.insight.streaming.jobconfig.TransformConfig;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonDocumentWriter;
import org.bson.Document;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistry;
import org.junit.jupiter.api.Test;

/** The row codec writes what a {@code Document} of the row would, without building one. */
class SinkRowCodecTest {

  private static final CodecRegistry REGISTRY = MongoClientSettings.getDefaultCodecRegistry();

  @Test
  void aProjectedRowIsTheDocumentOfItsFieldsAndVersion() throws Exception {
    Transformation t =
        Transformation.of(
            new TransformConfig(
                null,
                List.of("id"),
                List.of(
                    new FieldConfig("id", null, "string"),
                    new FieldConfig("n", null, "long"),
                    new FieldConfig("x", null, "double"),
                    new FieldConfig("ok", null, "boolean"),
                    new FieldConfig("at", null, "timestamp"),
                    new FieldConfig("gone", null, "string")),
                null));
    SinkRow row =
        t.apply(
            new SourceRecord(
                "t",
                1,
                7,
                1_700_000_000_000L,
                "{\"id\":\"k\",\"n\":3,\"x\":1.5,\"ok\":true,\"at\":1700000000123}"
                    .getBytes(StandardCharsets.UTF_8)));
    Document expected =
        new Document(MongoSchema.ID_FIELD, "k")
            .append("id", "k")
            .append("n", 3L)
            .append("x", 1.5)
            .append("ok", true)
            .append("at", Instant.ofEpochMilli(1700000000123L))
            .append("gone", null)
            .append(MongoSchema.VERSION_FIELD, row.version().text());
    assertThat(encode(row, true)).isEqualTo(asBson(expected));
    expected.remove(MongoSchema.VERSION_FIELD);
    assertThat(encode(row, false)).isEqualTo(asBson(expected));
  }

  @Test
  void aPluginsFieldsGoThroughTheRegistryAndCannotReplaceTheIdOrVersion() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("_id", "not the id");
    fields.put("count", 5);
    fields.put("nested", Map.of("a", List.of(1L, "b")));
    SinkRow row = new SinkRow("row-1", fields, new RowVersion(5, 0, 9));
    Document expected =
        new Document(MongoSchema.ID_FIELD, "row-1")
            .append("count", 5)
            .append("nested", Map.of("a", List.of(1L, "b")))
            .append(MongoSchema.VERSION_FIELD, row.version().text());
    assertThat(encode(row, true)).isEqualTo(asBson(expected));
  }

  private static BsonDocument encode(SinkRow row, boolean versioned) {
    BsonDocument out = new BsonDocument();
    new SinkRowCodec(REGISTRY, versioned)
        .encode(new BsonDocumentWriter(out), row, EncoderContext.builder().build());
    return out;
  }

  private static BsonDocument asBson(Document document) {
    return document.toBsonDocument(BsonDocument.class, REGISTRY);
  }
}
