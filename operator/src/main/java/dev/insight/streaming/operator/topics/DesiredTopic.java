package dev.insight.streaming.operator.topics;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DeadLetterSpec;
import dev.insight.streaming.operator.api.spec.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A topic as the spec wants it: an input topic or the dead-letter topic. */
public record DesiredTopic(
    String name, int partitions, short replicationFactor, Map<String, String> config) {

  public DesiredTopic {
    config = config == null ? Map.of() : Map.copyOf(new TreeMap<>(config));
  }

  /** Every topic of a pipeline: its input topics in spec order, then its dead-letter topic. */
  public static List<DesiredTopic> of(StreamingPipeline pipeline) {
    List<DesiredTopic> topics = new ArrayList<>();
    for (TopicSpec topic : pipeline.getSpec().getKafka().getTopics()) {
      topics.add(
          new DesiredTopic(
              topic.getName(),
              orOne(topic.getPartitions()),
              (short) orOne(topic.getReplicationFactor()),
              topic.getConfig()));
    }
    DeadLetterSpec deadLetter = pipeline.getSpec().getDeadLetter();
    topics.add(
        new DesiredTopic(
            pipeline.effectiveDeadLetterTopic(),
            deadLetter == null ? 1 : orOne(deadLetter.getPartitions()),
            (short) (deadLetter == null ? 1 : orOne(deadLetter.getReplicationFactor())),
            Map.of()));
    return topics;
  }

  private static int orOne(Integer value) {
    return value == null ? 1 : value;
  }
}
