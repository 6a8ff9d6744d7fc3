package dev.insight.streaming.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The printer columns of a custom resource, evaluated the way the API server does for {@code kubectl get}: the
 * simple JSONPath forms CRDs use ({@code .a.b}, {@code [0]}, {@code [?(@.type=="Ready")]}), dates as ages.
 */
public final class PrinterColumns {

  private static final Pattern STEP = Pattern.compile(
      "\\.([A-Za-z0-9_-]+)|\\[(\\d+)]|\\[\\?\\(@\\.([A-Za-z0-9_-]+)\\s*==\\s*[\"']([^\"']*)[\"']\\)]");

  private final List<CustomResourceColumnDefinition> columns;

  public PrinterColumns(List<CustomResourceColumnDefinition> columns) {
    this.columns = columns == null ? List.of() : List.copyOf(columns);
  }

  public List<CustomResourceColumnDefinition> columns() {
    return columns;
  }

  /** Each column's value for one resource, as kubectl prints it ("" when the path finds nothing). */
  public List<String> values(JsonNode resource, Instant now) {
    List<String> values = new ArrayList<>();
    for (CustomResourceColumnDefinition column : columns) {
      values.add(render(column, evaluate(resource, column.getJsonPath()), now));
    }
    return values;
  }

  /** The values a JSONPath finds in a document; a filter can find several. */
  static List<JsonNode> evaluate(JsonNode root, String jsonPath) {
    List<JsonNode> current = List.of(root);
    Matcher m = STEP.matcher(jsonPath.trim());
    int at = 0;
    while (at < jsonPath.trim().length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("unsupported JSONPath " + jsonPath + " at offset " + at);
      }
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        if (m.group(1) != null) {
          add(next, node.get(m.group(1)));
        } else if (m.group(2) != null) {
          add(next, node.isArray() ? node.get(Integer.parseInt(m.group(2))) : null);
        } else if (node.isArray()) {
          node.forEach(element -> {
            JsonNode field = element.get(m.group(3));
            if (field != null && field.asText().equals(m.group(4))) {
              next.add(element);
            }
          });
        }
      }
      current = next;
      at = m.end();
    }
    return current;
  }

  private static void add(List<JsonNode> to, JsonNode node) {
    if (node != null && !node.isNull() && !node.isMissingNode()) {
      to.add(node);
    }
  }

  private static String render(CustomResourceColumnDefinition column, List<JsonNode> found, Instant now) {
    if (found.isEmpty()) {
      return "";
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode node : found) {
      String text = node.isValueNode() ? node.asText() : node.toString();
      texts.add("date".equals(column.getType()) ? age(text, now) : text);
    }
    return String.join(",", texts);
  }

  /** A timestamp as kubectl shows an age: 45s, 12m, 3h, 2d. */
  public static String age(String timestamp, Instant now) {
    try {
      Duration d = Duration.between(Instant.parse(timestamp), now);
      if (d.isNegative()) {
        return "0s";
      }
      if (d.toMinutes() < 2) {
        return d.toSeconds() + "s";
      }
      if (d.toHours() < 2) {
        return d.toMinutes() + "m";
      }
      if (d.toDays() < 2) {
        return d.toHours() + "h";
      }
      return d.toDays() + "d";
    } catch (DateTimeParseException e) {
      return timestamp;
    }
  }
}
