package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The type a projected field is converted to before it is written. */
public enum FieldType {
  @JsonProperty("string")
  STRING,
  @JsonProperty("long")
  LONG,
  @JsonProperty("double")
  DOUBLE,
  @JsonProperty("boolean")
  BOOLEAN,
  /** ISO-8601 text or epoch milliseconds in the record. */
  @JsonProperty("timestamp")
  TIMESTAMP
}
