package dev.insight.streaming.operator.topics;

import java.util.Map;

/** A topic as found in Kafka: its partition count and the values of the configs the spec sets. */
public record ObservedTopic(String name, int partitions, Map<String, String> config) {

  public ObservedTopic {
    config = config == null ? Map.of() : Map.copyOf(config);
  }
}
