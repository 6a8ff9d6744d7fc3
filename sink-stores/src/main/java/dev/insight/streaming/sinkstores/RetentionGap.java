package dev.insight.streaming.sinkstores;

import java.time.Instant;

/**
 * Records lost to Kafka retention before the pipeline read them: offsets {@code [fromOffset,
 * toOffset)} of one partition.
 */
public record RetentionGap(
    String topic, int partition, long fromOffset, long toOffset, Instant detectedAt) {

  public RetentionGap {
    if (toOffset < fromOffset) {
      throw new IllegalArgumentException(
          "gap end before its start: " + fromOffset + ".." + toOffset);
    }
  }

  /** How many records were never read. */
  public long lost() {
    return toOffset - fromOffset;
  }
}
