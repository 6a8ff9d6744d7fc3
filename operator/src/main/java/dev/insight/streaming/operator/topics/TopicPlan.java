package dev.insight.streaming.operator.topics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to do to Kafka so the topics match the spec: topics to create, partition counts to raise,
 * config values to set, and topics that have more partitions than asked (Kafka cannot remove
 * partitions: they are kept and reported). Configs the spec does not name are left as they are.
 */
public record TopicPlan(
    List<DesiredTopic> toCreate,
    Map<String, Integer> toRaise,
    Map<String, Map<String, String>> configChanges,
    Map<String, Integer> larger) {

  /**
   * Compares the wanted topics with the ones found (by name; a missing name means the topic does
   * not exist).
   */
  public static TopicPlan between(List<DesiredTopic> desired, Map<String, ObservedTopic> observed) {
    List<DesiredTopic> create = new ArrayList<>();
    Map<String, Integer> raise = new LinkedHashMap<>();
    Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    Map<String, Integer> larger = new LinkedHashMap<>();
    for (DesiredTopic topic : desired) {
      ObservedTopic found = observed.get(topic.name());
      if (found == null) {
        create.add(topic);
        continue;
      }
      if (found.partitions() < topic.partitions()) {
        raise.put(topic.name(), topic.partitions());
      } else if (found.partitions() > topic.partitions()) {
        larger.put(topic.name(), found.partitions());
      }
      Map<String, String> changed = new LinkedHashMap<>();
      topic
          .config()
          .forEach(
              (key, value) -> {
                if (!Objects.equals(found.config().get(key), value)) {
                  changed.put(key, value);
                }
              });
      if (!changed.isEmpty()) {
        configs.put(topic.name(), changed);
      }
    }
    // insertion-ordered, so messages list topics in spec order
    return new TopicPlan(
        List.copyOf(create),
        Collections.unmodifiableMap(raise),
        Collections.unmodifiableMap(configs),
        Collections.unmodifiableMap(larger));
  }
}
