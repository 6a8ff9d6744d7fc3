package dev.insight.streaming.operator.topics;

import java.util.Map;

/**
 * A topic as found in Kafka: its ID (Kafka gives each topic a new one when it is created), its
 * partition count and the values of the configs the spec sets.
 */
public record ObservedTopic(
    String name, String topicId, int partitions, Map<String, String> config) {

  public ObservedTopic {
    config = config == null ? Map.of() : Map.copyOf(config);
  }
}
