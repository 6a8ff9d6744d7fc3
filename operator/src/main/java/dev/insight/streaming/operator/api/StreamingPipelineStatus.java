package dev.insight.streaming.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.DriverStatus;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.Phase;
import dev.insight.streaming.operator.api.status.TopicStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the operator observed: phase, conditions, driver, topics and lag. Never holds secret values.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StreamingPipelineStatus {

  @JsonPropertyDescription("Pending, Provisioning, Running, Degraded, Suspended or Failed.")
  private Phase phase;

  @JsonPropertyDescription("metadata.generation of the spec this status reflects.")
  private Long observedGeneration;

  @JsonPropertyDescription("One human-readable sentence on the current state.")
  private String message;

  @JsonPropertyDescription(
      "Ready, TopicsReady, SinksReady, DriverRunning and LagHealthy conditions.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The Spark driver pod.")
  private DriverStatus driver;

  @JsonPropertyDescription("Input and dead-letter topics as found in Kafka.")
  private List<TopicStatus> topics;

  @JsonPropertyDescription("Consumer lag.")
  private LagStatus lag;

  /** The condition of the given type, if present. */
  public Optional<Condition> condition(String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public DriverStatus getDriver() {
    return driver;
  }

  public void setDriver(DriverStatus driver) {
    this.driver = driver;
  }

  public List<TopicStatus> getTopics() {
    return topics;
  }

  public void setTopics(List<TopicStatus> topics) {
    this.topics = topics;
  }

  public LagStatus getLag() {
    return lag;
  }

  public void setLag(LagStatus lag) {
    this.lag = lag;
  }
}
