package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Replication of a keyspace the operator creates. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicationSpec {

  @Default("SimpleStrategy")
  @JsonProperty("class")
  @JsonPropertyDescription(
      "SimpleStrategy, or NetworkTopologyStrategy (factor applied to localDatacenter).")
  private ReplicationStrategy strategy = ReplicationStrategy.SimpleStrategy;

  @Default("1")
  @Min(1)
  @Max(10)
  @JsonPropertyDescription("Replication factor.")
  private Integer factor = 1;

  public ReplicationStrategy getStrategy() {
    return strategy;
  }

  public void setStrategy(ReplicationStrategy strategy) {
    this.strategy = strategy;
  }

  public Integer getFactor() {
    return factor;
  }

  public void setFactor(Integer factor) {
    this.factor = factor;
  }
}
