package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where the job starts reading a partition for which no offset is stored. */
public enum StartingOffsets {
  @JsonProperty("earliest")
  EARLIEST,
  @JsonProperty("latest")
  LATEST
}
