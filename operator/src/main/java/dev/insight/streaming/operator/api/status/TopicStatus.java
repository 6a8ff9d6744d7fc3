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

  @JsonPropertyDescription(
      "Kafka's ID of the topic when this pipeline created it. Only such a topic has its partitions"
          + " raised and its config set by the operator, and only it is deleted under"
          + " deletionPolicy Delete (by this ID, so a topic of the same name made since is not)."
          + " Absent: the topic existed before the pipeline (or this record was lost); it is only"
          + " read, and left alone.")
  private String createdTopicId;

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

  public String getCreatedTopicId() {
    return createdTopicId;
  }

  public void setCreatedTopicId(String createdTopicId) {
    this.createdTopicId = createdTopicId;
  }
}
