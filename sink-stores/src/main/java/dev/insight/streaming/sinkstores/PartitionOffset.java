package dev.insight.streaming.sinkstores;

import java.util.Objects;

/**
 * The next offset to read in one Kafka topic partition (Kafka's convention: the end of what was
 * processed, exclusive).
 */
public record PartitionOffset(String topic, int partition, long offset) {

  public PartitionOffset {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "partition and offset must be >= 0: " + topic + "-" + partition + "@" + offset);
    }
  }
}
