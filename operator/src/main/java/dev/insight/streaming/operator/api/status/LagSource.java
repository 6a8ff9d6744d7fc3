package dev.insight.streaming.operator.api.status;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where processed offsets were read from. */
public enum LagSource {
  /** The sinks' offset stores: the truth for exactly-once. */
  @JsonProperty("offsetStore")
  OFFSET_STORE,
  /** The Kafka consumer group's committed offsets (fallback, may trail by one batch). */
  @JsonProperty("consumerGroup")
  CONSUMER_GROUP
}
