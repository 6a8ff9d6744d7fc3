package dev.insight.streaming.job.stream;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The driver's view of the topics (partitions, earliest and latest offsets) through one thread-safe
 * Admin client.
 */
public final class KafkaProbe implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Admin admin;

  public KafkaProbe(String bootstrapServers, Map<String, Object> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    this.admin = Admin.create(config);
  }

  /** Every partition of the topics as the brokers know them now. */
  public Set<TopicPartition> partitions(Collection<String> topics) {
    Map<String, TopicDescription> described =
        get(admin.describeTopics(topics).allTopicNames(), TIMEOUT);
    Set<TopicPartition> partitions = new HashSet<>();
    described.forEach(
        (topic, d) ->
            d.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
    return partitions;
  }

  /** The first retained offset of each partition. */
  public Map<TopicPartition, Long> earliest(Collection<TopicPartition> partitions) {
    return offsets(partitions, OffsetSpec.earliest(), TIMEOUT);
  }

  /** The log end offset of each partition. */
  public Map<TopicPartition, Long> latest(Collection<TopicPartition> partitions) {
    return latest(partitions, TIMEOUT);
  }

  /**
   * The log end offset of each partition, or an {@link IllegalStateException} once {@code wait} has
   * passed.
   */
  public Map<TopicPartition, Long> latest(Collection<TopicPartition> partitions, Duration wait) {
    return offsets(partitions, OffsetSpec.latest(), wait);
  }

  /**
   * Creates the topic with one partition when it does not exist (the operator normally creates it
   * first).
   */
  public void createTopicIfMissing(String topic) {
    if (get(admin.listTopics().names(), TIMEOUT).contains(topic)) {
      return;
    }
    try {
      get(admin.createTopics(List.of(new NewTopic(topic, 1, (short) -1))).all(), TIMEOUT);
    } catch (IllegalStateException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  private Map<TopicPartition, Long> offsets(
      Collection<TopicPartition> partitions, OffsetSpec spec, Duration wait) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
        get(
            admin
                .listOffsets(
                    request,
                    new ListOffsetsOptions()
                        .timeoutMs((int) Math.min(Integer.MAX_VALUE, wait.toMillis())))
                .all(),
            wait);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    result.forEach((tp, info) -> offsets.put(tp, info.offset()));
    return offsets;
  }

  private static <T> T get(KafkaFuture<T> future, Duration wait) {
    try {
      return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking Kafka", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new IllegalStateException(
            "Kafka did not answer within " + wait.toMillis() + " ms: " + e.getCause().getMessage(),
            e.getCause());
      }
      throw new IllegalStateException("Kafka request failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException("Kafka did not answer within " + wait.toMillis() + " ms", e);
    }
  }

  @Override
  public void close() {
    // bounded: a call still pending against an unreachable broker must not hold up the job's
    // shutdown
    admin.close(CLOSE_WAIT);
  }
}
