package dev.insight.streaming.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Lag of one topic partition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PartitionLag {

  @JsonPropertyDescription("Topic name.")
  private String topic;

  @JsonPropertyDescription("Partition number.")
  private Integer partition;

  @JsonPropertyDescription("Next offset to process (processed up to, exclusive).")
  private Long processed;

  @JsonPropertyDescription("Log end offset.")
  private Long end;

  @JsonPropertyDescription("end - processed.")
  private Long lag;

  @JsonPropertyDescription(
      "This partition's verdict over the window: OK, WARN, STALL, STOP or ERR.")
  private LagEvaluation evaluation;

  public PartitionLag() {}

  public PartitionLag(String topic, Integer partition, Long processed, Long end, Long lag) {
    this(topic, partition, processed, end, lag, null);
  }

  public PartitionLag(
      String topic,
      Integer partition,
      Long processed,
      Long end,
      Long lag,
      LagEvaluation evaluation) {
    this.topic = topic;
    this.partition = partition;
    this.processed = processed;
    this.end = end;
    this.lag = lag;
    this.evaluation = evaluation;
  }

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
  }

  public Integer getPartition() {
    return partition;
  }

  public void setPartition(Integer partition) {
    this.partition = partition;
  }

  public Long getProcessed() {
    return processed;
  }

  public void setProcessed(Long processed) {
    this.processed = processed;
  }

  public Long getEnd() {
    return end;
  }

  public void setEnd(Long end) {
    this.end = end;
  }

  public Long getLag() {
    return lag;
  }

  public void setLag(Long lag) {
    this.lag = lag;
  }

  public LagEvaluation getEvaluation() {
    return evaluation;
  }

  public void setEvaluation(LagEvaluation evaluation) {
    this.evaluation = evaluation;
  }
}
