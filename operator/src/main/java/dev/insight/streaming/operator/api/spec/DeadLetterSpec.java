package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The Kafka topic that receives malformed records with the reason they were rejected. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeadLetterSpec {

  @Size(min = 1, max = 249)
  @Pattern(Formats.TOPIC)
  @JsonPropertyDescription(
      "Dead-letter topic name. Omitted: <metadata.namespace>.<metadata.name>.dlq.")
  private String topic;

  @Default("1")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Partitions used when the operator creates the topic.")
  private Integer partitions = 1;

  @Default("1")
  @Min(1)
  @Max(32)
  @JsonPropertyDescription("Replication factor used when the operator creates the topic.")
  private Integer replicationFactor = 1;

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
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
}
