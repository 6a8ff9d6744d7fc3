package dev.insight.streaming.job.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
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

  private final List<FieldConfig> fields;
  private final List<String[]> paths = new ArrayList<>();
  private final List<FieldType> types = new ArrayList<>();

  JsonProjection(List<FieldConfig> fields) {
    this.fields = fields;
    for (FieldConfig f : fields) {
      paths.add(f.effectiveSource().split("\\."));
      types.add(f.fieldType());
    }
  }

  Map<String, Object> project(byte[] value) throws MalformedRecordException {
    ObjectNode record = parse(value);
    if (fields.isEmpty()) {
      return topLevel(record);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      JsonNode node = at(record, paths.get(i));
      out.put(fields.get(i).name(), convert(node, types.get(i), fields.get(i)));
    }
    return out;
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

  private static JsonNode at(JsonNode record, String[] path) {
    JsonNode node = record;
    for (String step : path) {
      node = node.get(step);
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
