package dev.insight.streaming.operator.topics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What to do to Kafka so the topics match the spec: topics to create, partition counts to raise,
 * config values to set, and topics that have more partitions than asked (Kafka cannot remove
 * partitions: they are kept and reported). Configs the spec does not name are left as they are.
 * Only topics this pipeline created ({@code owned}) are raised or reconfigured; any other existing
 * topic is only read, and what the spec asks of it but is not done is listed in {@code notOwned}.
 */
public record TopicPlan(
    List<DesiredTopic> toCreate,
    Map<String, Integer> toRaise,
    Map<String, Map<String, String>> configChanges,
    Map<String, Integer> larger,
    Map<String, List<String>> notOwned) {

  /**
   * Compares the wanted topics with the ones found (by name; a missing name means the topic does
   * not exist); {@code owned} names the existing topics this pipeline created.
   */
  public static TopicPlan between(
      List<DesiredTopic> desired, Map<String, ObservedTopic> observed, Set<String> owned) {
    List<DesiredTopic> create = new ArrayList<>();
    Map<String, Integer> raise = new LinkedHashMap<>();
    Map<String, Map<String, String>> configs = new LinkedHashMap<>();
    Map<String, Integer> larger = new LinkedHashMap<>();
    Map<String, List<String>> notOwned = new LinkedHashMap<>();
    for (DesiredTopic topic : desired) {
      ObservedTopic found = observed.get(topic.name());
      if (found == null) {
        create.add(topic);
        continue;
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
      if (!owned.contains(topic.name())) {
        List<String> leftAlone = new ArrayList<>();
        if (found.partitions() != topic.partitions()) {
          leftAlone.add(
              "it has " + found.partitions() + " partitions, the spec asks " + topic.partitions());
        }
        if (!changed.isEmpty()) {
          leftAlone.add("config " + String.join(", ", changed.keySet()) + " not applied");
        }
        notOwned.put(topic.name(), List.copyOf(leftAlone));
        continue;
      }
      if (found.partitions() < topic.partitions()) {
        raise.put(topic.name(), topic.partitions());
      } else if (found.partitions() > topic.partitions()) {
        larger.put(topic.name(), found.partitions());
      }
      if (!changed.isEmpty()) {
        configs.put(topic.name(), changed);
      }
    }
    // insertion-ordered, so messages list topics in spec order
    return new TopicPlan(
        List.copyOf(create),
        Collections.unmodifiableMap(raise),
        Collections.unmodifiableMap(configs),
        Collections.unmodifiableMap(larger),
        Collections.unmodifiableMap(notOwned));
  }
}
