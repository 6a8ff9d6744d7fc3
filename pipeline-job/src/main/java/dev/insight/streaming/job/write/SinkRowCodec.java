package dev.insight.streaming.job.write;

import dev.insight.streaming.job.transform.FieldValues;
import dev.insight.streaming.job.transform.SinkRow;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import java.time.Instant;
import java.util.Map;
import org.bson.BsonReader;
import org.bson.BsonWriter;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.Encoder;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistry;

/**
 * Writes a row straight into BSON: {@code _id}, the fields, and for keyed rows the version. The
 * projected value types are written directly, with no document map built per row and no codec
 * looked up per value; any other value (a plug-in's, or a record's nested JSON without configured
 * fields) goes through the registry, as a {@code Document} of the row would.
 */
final class SinkRowCodec implements Codec<SinkRow> {

  private final CodecRegistry registry;
  private final boolean versioned;

  SinkRowCodec(CodecRegistry registry, boolean versioned) {
    this.registry = registry;
    this.versioned = versioned;
  }

  @Override
  public void encode(BsonWriter writer, SinkRow row, EncoderContext context) {
    writer.writeStartDocument();
    writer.writeString(MongoSchema.ID_FIELD, row.id());
    Map<String, Object> fields = row.fields();
    if (fields instanceof FieldValues values) {
      for (int i = 0; i < values.count(); i++) {
        writer.writeName(values.name(i));
        value(writer, values.value(i), context);
      }
    } else {
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        String name = field.getKey();
        // the row's own id and version win over a plug-in's fields of the same names
        if (!name.equals(MongoSchema.ID_FIELD) && !name.equals(MongoSchema.VERSION_FIELD)) {
          writer.writeName(name);
          value(writer, field.getValue(), context);
        }
      }
    }
    if (versioned) {
      writer.writeString(MongoSchema.VERSION_FIELD, row.version().text());
    }
    writer.writeEndDocument();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void value(BsonWriter writer, Object value, EncoderContext context) {
    if (value == null) {
      writer.writeNull();
    } else if (value instanceof String s) {
      writer.writeString(s);
    } else if (value instanceof Long l) {
      writer.writeInt64(l);
    } else if (value instanceof Double d) {
      writer.writeDouble(d);
    } else if (value instanceof Boolean b) {
      writer.writeBoolean(b);
    } else if (value instanceof Instant t) {
      writer.writeDateTime(t.toEpochMilli());
    } else if (value instanceof Integer i) {
      writer.writeInt32(i);
    } else {
      Encoder encoder = registry.get(value.getClass());
      context.encodeWithChildContext(encoder, writer, value);
    }
  }

  @Override
  public SinkRow decode(BsonReader reader, DecoderContext context) {
    throw new UnsupportedOperationException("rows are written, never read back as rows");
  }

  @Override
  public Class<SinkRow> getEncoderClass() {
    return SinkRow.class;
  }
}
