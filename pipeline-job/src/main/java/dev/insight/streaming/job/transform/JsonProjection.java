package dev.insight.streaming.job.transform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.insight.streaming.jobconfig.FieldConfig;
import dev.insight.streaming.sinkstores.FieldType;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a JSON record and projects it onto the configured fields, converting each value to its
 * type.
 */
final class JsonProjection {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  // this projection's own parser factory: it is used by one task's thread only (see
  // Transformation),
  // so parser buffers go back to it record after record instead of through a thread-local lookup
  // per record, which cost 5% of a task's CPU on Spark's executor threads
  private final JsonFactory parsers = new TaskJsonFactory();
  private final List<FieldConfig> fields;
  private final String[] names;
  private final List<String[]> paths = new ArrayList<>();
  private final List<FieldType> types = new ArrayList<>();
  // by the record's top-level key: the fields read from under it
  private final Map<String, Source> sources = new HashMap<>();

  /** A parser factory with one set of buffers, for one thread. */
  private static final class TaskJsonFactory extends JsonFactory {
    private static final long serialVersionUID = 1L;
    private final transient BufferRecycler buffers = new BufferRecycler();

    TaskJsonFactory() {
      super(MAPPER); // trees of nested values are read with the shared mapper
    }

    @Override
    public BufferRecycler _getBufferRecycler() {
      return buffers;
    }
  }

  /** The fields read from one top-level key: directly (path of one step) or from under it. */
  private static final class Source {
    private int[] direct = new int[0];
    private int[] nested = new int[0];

    void add(int field, boolean isDirect) {
      if (isDirect) {
        direct = append(direct, field);
      } else {
        nested = append(nested, field);
      }
    }

    private static int[] append(int[] a, int v) {
      int[] b = Arrays.copyOf(a, a.length + 1);
      b[a.length] = v;
      return b;
    }
  }

  JsonProjection(List<FieldConfig> fields) {
    this.fields = fields;
    this.names = new String[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      FieldConfig f = fields.get(i);
      names[i] = f.name();
      String[] path = f.effectiveSource().split("\\.");
      paths.add(path);
      types.add(f.fieldType());
      sources.computeIfAbsent(path[0], k -> new Source()).add(i, path.length == 1);
    }
  }

  /**
   * The record's configured fields, converted, in the configured order; without configured fields,
   * every top-level value in its JSON shape.
   */
  Map<String, Object> project(byte[] value) throws MalformedRecordException {
    if (fields.isEmpty()) {
      return topLevel(parse(value));
    }
    if (value == null || value.length == 0) {
      throw new MalformedRecordException("empty record value");
    }
    try (JsonParser parser = parsers.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedRecordException("not a JSON object");
      }
      Object[] out = new Object[names.length];
      // one pass over the bytes: values of unconfigured keys are skipped, never built
      for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
        JsonToken token = parser.nextToken();
        Source source = sources.get(key);
        if (source == null) {
          parser.skipChildren();
          continue;
        }
        if (source.nested.length == 0 && token.isScalarValue()) {
          for (int field : source.direct) {
            out[field] = scalar(parser, token, field);
          }
          continue;
        }
        // an object or array under a configured key (rare): read that value alone as a tree; a
        // repeated key replaces what an earlier one gave, as the last duplicate wins in a tree
        JsonNode node = parser.readValueAsTree();
        for (int field : source.direct) {
          out[field] = convert(node, types.get(field), fields.get(field));
        }
        for (int field : source.nested) {
          String[] path = paths.get(field);
          out[field] = convert(at(node, path, 1), types.get(field), fields.get(field));
        }
      }
      return new FieldValues(names, out);
    } catch (JsonProcessingException e) {
      throw new MalformedRecordException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedRecordException("not JSON: " + e.getMessage());
    }
  }

  /**
   * A scalar token's value as its field's type, read from the parser without a tree: the common
   * cases directly, every other case through {@link #convert} so both give the same answers.
   */
  private Object scalar(JsonParser parser, JsonToken token, int field)
      throws IOException, MalformedRecordException {
    FieldType type = types.get(field);
    switch (token) {
      case VALUE_NULL:
        return null;
      case VALUE_STRING:
        if (type == FieldType.STRING) {
          return parser.getText();
        }
        break;
      case VALUE_NUMBER_INT:
        boolean fitsLong = parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
        if (fitsLong && (type == FieldType.LONG)) {
          return parser.getLongValue();
        }
        if (fitsLong && type == FieldType.TIMESTAMP) {
          return Instant.ofEpochMilli(parser.getLongValue());
        }
        if (fitsLong && type == FieldType.DOUBLE) {
          return (double) parser.getLongValue();
        }
        break;
      case VALUE_NUMBER_FLOAT:
        if (type == FieldType.DOUBLE) {
          return parser.getDoubleValue();
        }
        break;
      case VALUE_TRUE:
      case VALUE_FALSE:
        if (type == FieldType.BOOLEAN) {
          return token == JsonToken.VALUE_TRUE;
        }
        break;
      default:
        break;
    }
    return convert(MAPPER.readTree(parser), type, fields.get(field));
  }

  private static ObjectNode parse(byte[] value) throws MalformedRecordException {
    if (value == null || value.length == 0) {
      throw new MalformedRecordException("empty record value");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(value);
    } catch (JsonProcessingException e) {
      throw new MalformedRecordException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedRecordException("not JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new MalformedRecordException("not a JSON object");
    }
    return (ObjectNode) node;
  }

  private static JsonNode at(JsonNode record, String[] path, int from) {
    JsonNode node = record;
    for (int i = from; i < path.length; i++) {
      node = node.get(path[i]);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  private static Object convert(JsonNode node, FieldType type, FieldConfig field)
      throws MalformedRecordException {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      switch (type) {
        case STRING:
          if (node.isValueNode()) {
            return node.asText();
          }
          break;
        case LONG:
          if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
          }
          if (node.isTextual()) {
            return Long.parseLong(node.textValue().trim());
          }
          break;
        case DOUBLE:
          if (node.isNumber()) {
            return node.doubleValue();
          }
          if (node.isTextual()) {
            return Double.parseDouble(node.textValue().trim());
          }
          break;
        case BOOLEAN:
          if (node.isBoolean()) {
            return node.booleanValue();
          }
          if (node.isTextual()
              && (node.textValue().equals("true") || node.textValue().equals("false"))) {
            return Boolean.parseBoolean(node.textValue());
          }
          break;
        case TIMESTAMP:
          if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Instant.ofEpochMilli(node.longValue());
          }
          if (node.isTextual()) {
            return timestamp(node.textValue());
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      // fall through to the uniform reason below
    }
    throw new MalformedRecordException(
        "field '"
            + field.name()
            + "' (from '"
            + field.effectiveSource()
            + "'): "
            + describe(node)
            + " is not a "
            + type.name().toLowerCase());
  }

  private static Instant timestamp(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(text).toInstant();
    }
  }

  private static String describe(JsonNode node) {
    String text = node.toString();
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private static Map<String, Object> topLevel(ObjectNode record) {
    Map<String, Object> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = record.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), plain(e.getValue()));
    }
    return out;
  }

  // without declared fields, values keep their JSON shape (objects become maps, arrays lists)
  private static Object plain(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(plain(n)));
      return list;
    }
    if (node.isObject()) {
      return topLevel((ObjectNode) node);
    }
    return node.asText();
  }
}
