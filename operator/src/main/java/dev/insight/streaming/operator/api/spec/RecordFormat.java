package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How record values are encoded in Kafka. */
public enum RecordFormat {
  @JsonProperty("json")
  JSON
}
