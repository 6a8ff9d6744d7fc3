package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/** One input topic and the shape the operator gives it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TopicSpec {

  @Required
  @Size(min = 1, max = 249)
  @Pattern(Formats.TOPIC)
  @JsonPropertyDescription("Topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'.")
  private String name;

  // no schema default inside a list item: kubectl's client-side apply replaces whole lists, so a
  // defaulted
  // field in an item would make every re-apply of an unchanged file "configured"; the model
  // defaults it
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Number of partitions. Can be raised, never lowered. Omitted: 1.")
  private Integer partitions = 1;

  @Min(1)
  @Max(32)
  @JsonPropertyDescription(
      "Replication factor used when the operator creates the topic. Omitted: 1.")
  private Integer replicationFactor = 1;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Topic configs used when the operator creates the topic, e.g. retention.ms: \"604800000\".")
  private Map<String, String> config;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getPartitions() {
    return partitions;
  }

  public void setPartitions(Integer partitions) {
    this.partitions = partitions;
  }

  public Integer getReplicationFactor() {
    return replicationFactor;
  }

  public void setReplicationFactor(Integer replicationFactor) {
    this.replicationFactor = replicationFactor;
  }

  public Map<String, String> getConfig() {
    return config;
  }

  public void setConfig(Map<String, String> config) {
    this.config = config;
  }
}
