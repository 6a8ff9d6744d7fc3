package dev.insight.streaming.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Consumer lag summed over all partitions, plus the largest partitions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LagStatus {

  @JsonPropertyDescription("Records not yet processed, summed over all partitions.")
  private Long total;

  @JsonPropertyDescription("Largest lag of one partition.")
  private Long max;

  @JsonPropertyDescription("Verdict over the window: OK, WARN, STALL, STOP or ERR.")
  private LagEvaluation evaluation;

  @JsonPropertyDescription("Estimated seconds the oldest unprocessed record has waited.")
  private Long secondsBehind;

  @JsonPropertyDescription("Records processed per second over the window, summed over partitions.")
  private Double processingRate;

  @JsonPropertyDescription(
      "Records appended to the topics per second over the window, summed over partitions.")
  private Double producingRate;

  @JsonPropertyDescription("When the figures were computed (RFC 3339).")
  private String evaluatedAt;

  @JsonPropertyDescription("Where processed offsets came from: offsetStore or consumerGroup.")
  private LagSource source;

  @JsonPropertyDescription("Number of partitions the totals cover.")
  private Integer partitionCount;

  @JsonPropertyDescription("Number of partitions with lag > 0.")
  private Integer laggingPartitions;

  @JsonPropertyDescription(
      "The partitions with the largest lag, at most spec.lag.maxPartitionsInStatus.")
  private List<PartitionLag> partitions;

  public Long getTotal() {
    return total;
  }

  public void setTotal(Long total) {
    this.total = total;
  }

  public Long getMax() {
    return max;
  }

  public void setMax(Long max) {
    this.max = max;
  }

  public LagEvaluation getEvaluation() {
    return evaluation;
  }

  public void setEvaluation(LagEvaluation evaluation) {
    this.evaluation = evaluation;
  }

  public Long getSecondsBehind() {
    return secondsBehind;
  }

  public void setSecondsBehind(Long secondsBehind) {
    this.secondsBehind = secondsBehind;
  }

  public Double getProcessingRate() {
    return processingRate;
  }

  public void setProcessingRate(Double processingRate) {
    this.processingRate = processingRate;
  }

  public Double getProducingRate() {
    return producingRate;
  }

  public void setProducingRate(Double producingRate) {
    this.producingRate = producingRate;
  }

  public String getEvaluatedAt() {
    return evaluatedAt;
  }

  public void setEvaluatedAt(String evaluatedAt) {
    this.evaluatedAt = evaluatedAt;
  }

  public LagSource getSource() {
    return source;
  }

  public void setSource(LagSource source) {
    this.source = source;
  }

  public Integer getPartitionCount() {
    return partitionCount;
  }

  public void setPartitionCount(Integer partitionCount) {
    this.partitionCount = partitionCount;
  }

  public Integer getLaggingPartitions() {
    return laggingPartitions;
  }

  public void setLaggingPartitions(Integer laggingPartitions) {
    this.laggingPartitions = laggingPartitions;
  }

  public List<PartitionLag> getPartitions() {
    return partitions;
  }

  public void setPartitions(List<PartitionLag> partitions) {
    this.partitions = partitions;
  }
}
