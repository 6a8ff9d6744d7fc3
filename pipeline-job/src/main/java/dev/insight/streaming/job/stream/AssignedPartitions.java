package dev.insight.streaming.job.stream;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.streaming.kafka010.ConsumerStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark's consumer strategy for this job: the driver's consumer is assigned the partitions (no
 * group membership, so a restarted job never waits for a dead member's session to expire) at the
 * offsets we chose, and it re-lists the topics' partitions periodically, assigning added ones from
 * their beginning.
 */
public final class AssignedPartitions extends ConsumerStrategy<byte[], byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(AssignedPartitions.class);

  private final Map<String, Object> kafkaParams;
  private final Map<TopicPartition, Long> startOffsets;
  private final List<String> topics;
  private final transient KafkaProbe probe;
  private final Duration discoveryInterval;

  public AssignedPartitions(
      Map<String, Object> kafkaParams,
      Map<TopicPartition, Long> startOffsets,
      List<String> topics,
      KafkaProbe probe,
      Duration discoveryInterval) {
    this.kafkaParams = Map.copyOf(kafkaParams);
    this.startOffsets = Map.copyOf(startOffsets);
    this.topics = List.copyOf(topics);
    this.probe = probe;
    this.discoveryInterval = discoveryInterval;
  }

  @Override
  public Map<String, Object> executorKafkaParams() {
    return new HashMap<>(kafkaParams);
  }

  @Override
  public Consumer<byte[], byte[]> onStart(Map<TopicPartition, Long> currentOffsets) {
    DiscoveringConsumer consumer =
        new DiscoveringConsumer(new HashMap<>(kafkaParams), topics, probe, discoveryInterval);
    consumer.assign(startOffsets.keySet());
    startOffsets.forEach(consumer::seek);
    return consumer;
  }

  /**
   * The driver's consumer. Spark asks it for {@code assignment()} before every batch and adds
   * partitions it has not seen; answering with the freshly listed partitions is how added
   * partitions reach the stream. Only Spark's job generator thread uses it, so the re-assignment
   * happens on the consumer's own thread.
   */
  static final class DiscoveringConsumer extends KafkaConsumer<byte[], byte[]> {

    private final List<String> topics;
    private final KafkaProbe probe;
    private final long intervalNanos;
    private long lastCheck = System.nanoTime();

    DiscoveringConsumer(
        Map<String, Object> params, List<String> topics, KafkaProbe probe, Duration interval) {
      super(params);
      this.topics = topics;
      this.probe = probe;
      this.intervalNanos = interval.toNanos();
    }

    @Override
    public Set<TopicPartition> assignment() {
      Set<TopicPartition> assigned = super.assignment();
      if (System.nanoTime() - lastCheck < intervalNanos) {
        return assigned;
      }
      lastCheck = System.nanoTime();
      Set<TopicPartition> added;
      try {
        added = new HashSet<>(probe.partitions(topics));
      } catch (RuntimeException e) {
        LOG.warn(
            "cannot list partitions of {} (will retry in the next interval): {}",
            topics,
            e.getMessage());
        return assigned;
      }
      added.removeAll(assigned);
      if (added.isEmpty()) {
        return assigned;
      }
      Set<TopicPartition> all = new HashSet<>(assigned);
      all.addAll(added);
      assign(all);
      seekToBeginning(added); // new partitions: nothing in them was ever read
      LOG.info("picked up added partitions {}: reading them from their beginning", sorted(added));
      return super.assignment();
    }

    private static List<String> sorted(Collection<TopicPartition> partitions) {
      return partitions.stream().map(TopicPartition::toString).sorted().toList();
    }
  }
}
