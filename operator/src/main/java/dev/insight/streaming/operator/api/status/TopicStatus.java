package dev.insight.streaming.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One topic of the pipeline as found in Kafka. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TopicStatus {

  @JsonPropertyDescription("Topic name.")
  private String name;

  @JsonPropertyDescription("Partitions the topic has in Kafka.")
  private Integer partitions;

  @JsonPropertyDescription("True when the topic exists with at least the requested partitions.")
  private Boolean ready;

  public TopicStatus() {}

  public TopicStatus(String name, Integer partitions, Boolean ready) {
    this.name = name;
    this.partitions = partitions;
    this.ready = ready;
  }

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

  public Boolean getReady() {
    return ready;
  }

  public void setReady(Boolean ready) {
    this.ready = ready;
  }
}
