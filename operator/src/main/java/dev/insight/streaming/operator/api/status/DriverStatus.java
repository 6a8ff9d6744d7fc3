package dev.insight.streaming.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The Spark driver pod as last observed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriverStatus {

  @JsonPropertyDescription("Name of the current driver pod.")
  private String podName;

  @JsonPropertyDescription(
      "Pod phase: Pending, Running, Succeeded, Failed or Unknown; Stopped when suspended.")
  private String phase;

  @JsonPropertyDescription(
      "Restarts since the driver last ran stably (see job.restartPolicy.stableRunDuration).")
  private Integer restarts;

  @JsonPropertyDescription("The last abnormal stop.")
  private FailureInfo lastFailure;

  @JsonPropertyDescription("When the next restart is due (RFC 3339), while backing off.")
  private String nextRestartTime;

  public String getPodName() {
    return podName;
  }

  public void setPodName(String podName) {
    this.podName = podName;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public Integer getRestarts() {
    return restarts;
  }

  public void setRestarts(Integer restarts) {
    this.restarts = restarts;
  }

  public FailureInfo getLastFailure() {
    return lastFailure;
  }

  public void setLastFailure(FailureInfo lastFailure) {
    this.lastFailure = lastFailure;
  }

  public String getNextRestartTime() {
    return nextRestartTime;
  }

  public void setNextRestartTime(String nextRestartTime) {
    this.nextRestartTime = nextRestartTime;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DriverStatus that
        && Objects.equals(podName, that.podName)
        && Objects.equals(phase, that.phase)
        && Objects.equals(restarts, that.restarts)
        && Objects.equals(lastFailure, that.lastFailure)
        && Objects.equals(nextRestartTime, that.nextRestartTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(podName, phase, restarts, lastFailure, nextRestartTime);
  }
}
