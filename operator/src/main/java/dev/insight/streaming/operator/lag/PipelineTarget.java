package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.kafka.KafkaCluster;
import dev.insight.streaming.sinkstores.PipelineKey;
import java.util.List;
import java.util.Map;

/**
 * Where one pipeline's offsets live, resolved from its spec and Secrets: the Kafka cluster, the
 * consumer group, the topics with the partitions the spec asks for, and the offset stores of its
 * sinks. {@code problem} is set (and the rest may be null) when it could not be resolved, e.g. a
 * Secret is missing.
 */
record PipelineTarget(
    PipelineKey key,
    KafkaCluster kafka,
    String group,
    Map<String, Integer> topics,
    List<StoreCluster> stores,
    String problem) {

  static PipelineTarget unresolved(PipelineKey key, Map<String, Integer> topics, String problem) {
    return new PipelineTarget(key, null, null, topics, List.of(), problem);
  }
}
