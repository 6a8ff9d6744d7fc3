package dev.insight.streaming.operator.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one declaration of what a change to each spec field means: a new driver, or applied in place.
 * The driver's pod carries a hash of the fields that need a new driver; a different hash means
 * redeploy, an equal one means every change since was in place. Paths use the spec's JSON names;
 * {@code []} stands for every list element; the longest declared prefix decides, and an undeclared
 * field redeploys (the safe side; a test keeps that from happening by checking every field of the
 * CRD is declared).
 */
public final class SpecChangeRules {

  /** One declared field (or subtree) and what a change to it means, with the reason. */
  public record Rule(String path, ChangeKind kind, String why) {}

  public static final List<Rule> RULES =
      List.of(
          rule("kafka.bootstrapServers", ChangeKind.REDEPLOY_DRIVER, "the job connects at start"),
          rule(
              "kafka.consumerGroup",
              ChangeKind.REDEPLOY_DRIVER,
              "the job commits to it (immutable in the CRD)"),
          rule("kafka.topics[].name", ChangeKind.REDEPLOY_DRIVER, "the job subscribes at start"),
          rule(
              "kafka.topics[].partitions",
              ChangeKind.IN_PLACE,
              "the topic step adds partitions; the running job discovers them"),
          rule(
              "kafka.topics[].replicationFactor",
              ChangeKind.IN_PLACE,
              "used only when the operator creates a topic"),
          rule(
              "kafka.topics[].config",
              ChangeKind.IN_PLACE,
              "used only when the operator creates a topic"),
          rule("kafka.startingOffsets", ChangeKind.REDEPLOY_DRIVER, "part of the JobConfig"),
          rule(
              "kafka.clientConfig",
              ChangeKind.REDEPLOY_DRIVER,
              "the job's Kafka clients are built at start"),
          rule(
              "kafka.clientSecret",
              ChangeKind.REDEPLOY_DRIVER,
              "the pod's environment comes from it"),
          rule(
              "job",
              ChangeKind.REDEPLOY_DRIVER,
              "image, batching, rates, resources and Spark settings shape the driver"),
          rule(
              "job.restartPolicy",
              ChangeKind.IN_PLACE,
              "only the operator reads it, when the driver stops"),
          rule("transform", ChangeKind.REDEPLOY_DRIVER, "part of the JobConfig"),
          rule(
              "sinks",
              ChangeKind.REDEPLOY_DRIVER,
              "the job writes them; part of the JobConfig and the pod's environment"),
          rule(
              "deadLetter.topic",
              ChangeKind.REDEPLOY_DRIVER,
              "the job writes rejected records to it"),
          rule(
              "deadLetter.partitions",
              ChangeKind.IN_PLACE,
              "used only when the operator creates the topic"),
          rule(
              "deadLetter.replicationFactor",
              ChangeKind.IN_PLACE,
              "used only when the operator creates the topic"),
          rule("lag", ChangeKind.IN_PLACE, "only the operator's lag monitor reads it"),
          rule(
              "suspend",
              ChangeKind.IN_PLACE,
              "stops or starts the driver through its lifecycle, not a redeploy"),
          rule("deletionPolicy", ChangeKind.IN_PLACE, "only read when the pipeline is deleted"));

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final List<Rule> LONGEST_FIRST =
      RULES.stream()
          .sorted(Comparator.comparingInt((Rule r) -> r.path().length()).reversed())
          .toList();

  private SpecChangeRules() {}

  private static Rule rule(String path, ChangeKind kind, String why) {
    return new Rule(path, kind, why);
  }

  /**
   * The rule deciding {@code path} (e.g. {@code kafka.topics[].partitions}), if one is declared.
   */
  public static Optional<Rule> ruleFor(String path) {
    return LONGEST_FIRST.stream()
        .filter(
            r ->
                path.equals(r.path())
                    || path.startsWith(r.path() + ".")
                    || path.startsWith(r.path() + "[]"))
        .findFirst();
  }

  /** What a change to {@code path} means; undeclared paths redeploy. */
  public static ChangeKind kindOf(String path) {
    return ruleFor(path).map(Rule::kind).orElse(ChangeKind.REDEPLOY_DRIVER);
  }

  /** The part of {@code spec} whose change needs a new driver, as JSON with sorted keys. */
  public static JsonNode redeployProjection(StreamingPipelineSpec spec) {
    JsonNode whole = MAPPER.valueToTree(spec);
    JsonNode kept = project(whole, "");
    return kept == null ? JsonNodeFactory.instance.objectNode() : kept;
  }

  /**
   * A short hash of {@link #redeployProjection}: equal for specs that need no new driver between
   * them.
   */
  public static String driverHash(StreamingPipelineSpec spec) {
    try {
      String canonical =
          MAPPER.writeValueAsString(MAPPER.treeToValue(redeployProjection(spec), Object.class));
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // keeps the leaves (and the list elements) whose path is REDEPLOY_DRIVER; drops the rest, and
  // emptied containers
  private static JsonNode project(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isObject()) {
      if (!path.isEmpty() && isWholeSubtree(path)) {
        return kindOf(path) == ChangeKind.REDEPLOY_DRIVER ? node : null;
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode kept =
            project(
                field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
        if (kept != null) {
          out.set(field.getKey(), kept);
        }
      }
      return out.isEmpty() ? null : out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      boolean any = false;
      for (JsonNode element : node) {
        JsonNode kept = project(element, path + "[]");
        out.add(kept == null ? JsonNodeFactory.instance.nullNode() : kept);
        any |= kept != null;
      }
      return any ? out : null;
    }
    return kindOf(path) == ChangeKind.REDEPLOY_DRIVER ? node : null;
  }

  // a declared path with no more specific rule below it is judged as a whole (e.g. the sparkConf
  // map)
  private static boolean isWholeSubtree(String path) {
    return RULES.stream()
            .noneMatch(r -> r.path().startsWith(path + ".") || r.path().startsWith(path + "[]"))
        && ruleFor(path).isPresent();
  }
}
