package dev.insight.streaming.job.stream;

import dev.insight.streaming.jobconfig.KafkaConfig.StartingOffsets;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.RetentionGap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the job starts each partition: the smallest offset stored across sinks (a sink with nothing
 * stored for a partition counts as {@code startingOffsets}), moved up to the earliest retained
 * offset when retention deleted records nobody read, which is then reported as a gap.
 */
public record StartingPositions(Map<TopicPartition, Long> offsets, List<RetentionGap> gaps) {

  /**
   * @param partitions every partition of the pipeline's topics
   * @param storedPerSink each sink's stored offsets
   * @param policy where a partition starts when a sink has nothing stored for it
   * @param earliest first retained offset per partition
   * @param latest log end offset per partition
   */
  public static StartingPositions resolve(
      Set<TopicPartition> partitions,
      List<List<PartitionOffset>> storedPerSink,
      StartingOffsets policy,
      Map<TopicPartition, Long> earliest,
      Map<TopicPartition, Long> latest,
      Instant now) {
    List<Map<TopicPartition, Long>> stored = new ArrayList<>();
    for (List<PartitionOffset> sink : storedPerSink) {
      Map<TopicPartition, Long> byPartition = new HashMap<>();
      sink.forEach(o -> byPartition.put(new TopicPartition(o.topic(), o.partition()), o.offset()));
      stored.add(byPartition);
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    List<RetentionGap> gaps = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      long first = earliest.get(tp);
      long end = latest.get(tp);
      long fallback = policy == StartingOffsets.latest ? end : first;
      long start = Long.MAX_VALUE;
      boolean anyStored = false;
      for (Map<TopicPartition, Long> sink : stored) {
        Long offset = sink.get(tp);
        anyStored |= offset != null;
        start = Math.min(start, offset != null ? offset : fallback);
      }
      if (stored.isEmpty()) {
        start = fallback;
      }
      if (anyStored && start < first) {
        gaps.add(new RetentionGap(tp.topic(), tp.partition(), start, first, now));
        start = first;
      } else if (start > end) {
        // stored beyond the log's end: the topic was deleted and recreated; its records are all new
        start = first;
      }
      offsets.put(tp, Math.max(start, first));
    }
    gaps.sort(
        (a, b) ->
            a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
    return new StartingPositions(Map.copyOf(offsets), List.copyOf(gaps));
  }
}
