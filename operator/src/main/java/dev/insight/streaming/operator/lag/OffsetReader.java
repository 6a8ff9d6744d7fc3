package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.api.status.LagSource;
import dev.insight.streaming.operator.kafka.KafkaCluster;
import dev.insight.streaming.operator.kafka.KafkaClusters;
import dev.insight.streaming.operator.lag.LagRequests.Kind;
import dev.insight.streaming.operator.lag.PipelineReading.Offsets;
import dev.insight.streaming.operator.sinksetup.SinkConnections;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.PipelineKey;
import dev.insight.streaming.sinkstores.cassandra.Replication;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads one cycle's offsets for every pipeline at once, batched per cluster: one {@code readMany}
 * per sink cluster, and per Kafka cluster one {@code listOffsets} (latest) covering every partition
 * of every pipeline on it and one {@code listConsumerGroupOffsets} covering all their groups. Kafka
 * clusters are asked concurrently.
 *
 * <p>Only partitions that exist are asked for, because Kafka's Admin retries a missing partition of
 * an existing topic until its timeout and so holds up the whole call. Partition counts come from
 * {@code describeTopics}, sent only in cycles where a topic is new, missing, asked to have more
 * partitions than known, or last described longer than {@link #METADATA_REFRESH} ago (which is how
 * partitions added outside the operator show up).
 */
final class OffsetReader {

  /** Partition counts older than this are described again. */
  static final Duration METADATA_REFRESH = Duration.ofSeconds(60);

  private final KafkaClusters kafka;
  private final SinkConnections sinks;
  private final LagRequests requests;
  private final Clock clock;
  private final Map<KafkaCluster, TopicCounts> partitionCounts = new ConcurrentHashMap<>();

  OffsetReader(KafkaClusters kafka, SinkConnections sinks, LagRequests requests, Clock clock) {
    this.kafka = kafka;
    this.sinks = sinks;
    this.requests = requests;
    this.clock = clock;
  }

  /**
   * Reads the offsets of {@code targets}; never throws for an unreachable cluster: its partitions
   * carry the error.
   */
  Map<PipelineKey, PipelineReading> read(List<PipelineTarget> targets) {
    Stored stored = readStores(targets);
    Map<KafkaCluster, List<PipelineTarget>> byCluster = new LinkedHashMap<>();
    Map<PipelineKey, PipelineReading> readings = new HashMap<>();
    for (PipelineTarget t : targets) {
      if (t.problem() != null) {
        readings.put(t.key(), unresolved(t));
      } else {
        byCluster.computeIfAbsent(t.kafka(), c -> new ArrayList<>()).add(t);
      }
    }
    List<ClusterCall> calls = new ArrayList<>();
    for (Map.Entry<KafkaCluster, List<PipelineTarget>> e : byCluster.entrySet()) {
      calls.add(start(e.getKey(), e.getValue(), stored));
    }
    for (ClusterCall call : calls) {
      call.finish(stored, readings);
    }
    return readings;
  }

  /** Forgets partition counts of clusters no pipeline uses any more. */
  void retainClusters(Set<KafkaCluster> inUse) {
    partitionCounts.keySet().retainAll(inUse);
  }

  private Stored readStores(List<PipelineTarget> targets) {
    Map<StoreCluster, List<PipelineKey>> byStore = new LinkedHashMap<>();
    for (PipelineTarget t : targets) {
      if (t.problem() == null) {
        t.stores().forEach(s -> byStore.computeIfAbsent(s, k -> new ArrayList<>()).add(t.key()));
      }
    }
    Stored stored = new Stored();
    for (Map.Entry<StoreCluster, List<PipelineKey>> e : byStore.entrySet()) {
      StoreCluster cluster = e.getKey();
      try {
        requests.count(Kind.OFFSET_STORE);
        Map<PipelineKey, List<PartitionOffset>> offsets = store(cluster).readMany(e.getValue());
        offsets.forEach((key, list) -> stored.add(key, list));
      } catch (RuntimeException failure) {
        String why =
            "the offset store on " + cluster + " is unreadable (" + describe(failure) + ")";
        e.getValue().forEach(key -> stored.problems.putIfAbsent(key, why));
      }
    }
    return stored;
  }

  private OffsetStore store(StoreCluster cluster) {
    // for reading, the replication is never used: the sink step created the keyspace with the
    // pipeline's
    return cluster.mongo() != null
        ? sinks.offsetStore(cluster.mongo())
        : sinks.offsetStore(cluster.cassandra(), Replication.simple(1));
  }

  private ClusterCall start(KafkaCluster cluster, List<PipelineTarget> targets, Stored stored) {
    ClusterCall call = new ClusterCall(cluster, targets);
    try {
      Admin admin = kafka.admin(cluster);
      Set<String> topics = new HashSet<>();
      for (PipelineTarget t : targets) {
        topics.addAll(t.topics().keySet());
        topics.addAll(stored.topicsOf(t.key()));
      }
      call.counts = counts(admin, cluster, targets, topics);
      Set<TopicPartition> partitions = new HashSet<>();
      for (PipelineTarget t : targets) {
        partitions.addAll(call.partitionsOf(t, stored).keySet());
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      if (!latest.isEmpty()) {
        requests.count(Kind.END_OFFSETS);
        call.asked = partitions;
        call.ends = admin.listOffsets(latest);
      }
      Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
      targets.forEach(t -> groups.put(t.group(), new ListConsumerGroupOffsetsSpec()));
      requests.count(Kind.GROUP_OFFSETS);
      call.groups = admin.listConsumerGroupOffsets(groups);
    } catch (RuntimeException | ExecutionException | InterruptedException failure) {
      if (failure instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      call.failure =
          "Kafka at " + cluster.bootstrapServers() + " is unreachable (" + describe(failure) + ")";
    }
    return call;
  }

  /**
   * Partition counts of {@code topics} (absent = the topic does not exist), described again when
   * stale.
   */
  private TopicCounts counts(
      Admin admin, KafkaCluster cluster, List<PipelineTarget> targets, Set<String> topics)
      throws ExecutionException, InterruptedException {
    TopicCounts known = partitionCounts.get(cluster);
    Instant now = clock.instant();
    boolean fresh =
        known != null
            && known.at.plus(METADATA_REFRESH).isAfter(now)
            && known.described.containsAll(topics)
            && targets.stream()
                .allMatch(
                    t ->
                        t.topics().entrySet().stream()
                            .allMatch(
                                e ->
                                    known.counts.getOrDefault(e.getKey(), Integer.MAX_VALUE)
                                        >= e.getValue()));
    if (fresh) {
      return known;
    }
    requests.count(Kind.TOPIC_METADATA);
    Map<String, KafkaFuture<TopicDescription>> described =
        admin.describeTopics(topics).topicNameValues();
    TopicCounts counts = new TopicCounts(now, Set.copyOf(topics));
    for (Map.Entry<String, KafkaFuture<TopicDescription>> e : described.entrySet()) {
      try {
        counts.counts.put(
            e.getKey(),
            e.getValue().get(timeoutMillis(), TimeUnit.MILLISECONDS).partitions().size());
      } catch (ExecutionException failure) {
        if (!(failure.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw failure;
        }
      } catch (java.util.concurrent.TimeoutException failure) {
        throw new ExecutionException(failure);
      }
    }
    // a topic that is missing is described again next cycle, so that its re-creation is seen at
    // once
    partitionCounts.put(cluster, counts.withoutMissing());
    return counts;
  }

  private static long timeoutMillis() {
    return KafkaClusters.API_TIMEOUT.plusSeconds(2).toMillis();
  }

  private PipelineReading unresolved(PipelineTarget t) {
    Map<TopicPartition, String> errors = new LinkedHashMap<>();
    t.topics()
        .forEach(
            (topic, n) -> {
              for (int p = 0; p < n; p++) {
                errors.put(new TopicPartition(topic, p), t.problem());
              }
            });
    return new PipelineReading(Map.of(), errors, LagSource.OFFSET_STORE);
  }

  static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof ExecutionException || cause.getCause() instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * Processed offsets as the stores hold them: per pipeline, the smallest offset across its sinks'
   * stores.
   */
  private static final class Stored {
    final Map<PipelineKey, List<Map<TopicPartition, Long>>> perStore = new HashMap<>();
    final Map<PipelineKey, String> problems = new HashMap<>();

    void add(PipelineKey key, List<PartitionOffset> offsets) {
      Map<TopicPartition, Long> map = new HashMap<>();
      offsets.forEach(o -> map.put(new TopicPartition(o.topic(), o.partition()), o.offset()));
      perStore.computeIfAbsent(key, k -> new ArrayList<>()).add(map);
    }

    Set<String> topicsOf(PipelineKey key) {
      Set<String> topics = new HashSet<>();
      perStore
          .getOrDefault(key, List.of())
          .forEach(m -> m.keySet().forEach(tp -> topics.add(tp.topic())));
      return topics;
    }

    Set<TopicPartition> partitionsOf(PipelineKey key) {
      Set<TopicPartition> partitions = new HashSet<>();
      perStore.getOrDefault(key, List.of()).forEach(m -> partitions.addAll(m.keySet()));
      return partitions;
    }

    /**
     * The smallest stored offset of {@code tp} across all {@code stores} stores, or null unless
     * every one has it.
     */
    Long processed(PipelineKey key, TopicPartition tp, int stores) {
      List<Map<TopicPartition, Long>> maps = perStore.getOrDefault(key, List.of());
      if (stores == 0 || maps.size() < stores) {
        return null;
      }
      long min = Long.MAX_VALUE;
      for (Map<TopicPartition, Long> m : maps) {
        Long offset = m.get(tp);
        if (offset == null) {
          return null;
        }
        min = Math.min(min, offset);
      }
      return min;
    }
  }

  private static final class TopicCounts {
    final Instant at;
    final Set<String> described;
    final Map<String, Integer> counts = new HashMap<>();

    TopicCounts(Instant at, Set<String> described) {
      this.at = at;
      this.described = described;
    }

    TopicCounts withoutMissing() {
      TopicCounts copy = new TopicCounts(at, Set.copyOf(counts.keySet()));
      copy.counts.putAll(counts);
      return copy;
    }
  }

  /**
   * The Kafka requests of one cluster, sent together and collected after all clusters were asked.
   */
  private final class ClusterCall {
    final KafkaCluster cluster;
    final List<PipelineTarget> targets;
    TopicCounts counts;
    ListOffsetsResult ends;
    Set<TopicPartition> asked = Set.of();
    ListConsumerGroupOffsetsResult groups;
    String failure;

    ClusterCall(KafkaCluster cluster, List<PipelineTarget> targets) {
      this.cluster = cluster;
      this.targets = targets;
    }

    /**
     * The partitions of a pipeline: every partition its topics have; for a missing topic, why it is
     * missing.
     */
    Map<TopicPartition, String> partitionsOf(PipelineTarget t, Stored stored) {
      Map<TopicPartition, String> partitions =
          new TreeMap<>(
              (a, b) ->
                  a.topic().equals(b.topic())
                      ? Integer.compare(a.partition(), b.partition())
                      : a.topic().compareTo(b.topic()));
      Set<TopicPartition> storedPartitions = stored.partitionsOf(t.key());
      Set<String> topics = new HashSet<>(t.topics().keySet());
      storedPartitions.forEach(tp -> topics.add(tp.topic()));
      for (String topic : topics) {
        Integer count = counts == null ? null : counts.counts.get(topic);
        if (count != null) {
          for (int p = 0; p < count; p++) {
            partitions.put(new TopicPartition(topic, p), null);
          }
          continue;
        }
        String why = counts == null ? failure : "topic " + topic + " does not exist";
        for (int p = 0; p < t.topics().getOrDefault(topic, 0); p++) {
          partitions.put(new TopicPartition(topic, p), why);
        }
        storedPartitions.stream()
            .filter(tp -> tp.topic().equals(topic))
            .forEach(tp -> partitions.put(tp, why));
      }
      return partitions;
    }

    void finish(Stored stored, Map<PipelineKey, PipelineReading> readings) {
      Map<TopicPartition, Long> ends = new HashMap<>();
      Map<TopicPartition, String> endErrors = new HashMap<>();
      if (failure == null && this.ends != null) {
        collectEnds(ends, endErrors);
      }
      Map<String, Map<TopicPartition, OffsetAndMetadata>> groupOffsets = new HashMap<>();
      Map<String, String> groupErrors = new HashMap<>();
      if (failure == null) {
        for (PipelineTarget t : targets) {
          try {
            groupOffsets.put(
                t.group(),
                groups
                    .partitionsToOffsetAndMetadata(t.group())
                    .get(timeoutMillis(), TimeUnit.MILLISECONDS));
          } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            groupErrors.put(t.group(), describe(e));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            groupErrors.put(t.group(), "interrupted");
          }
        }
      }
      for (PipelineTarget t : targets) {
        readings.put(
            t.key(),
            reading(
                t,
                stored,
                ends,
                endErrors,
                groupOffsets.get(t.group()),
                groupErrors.get(t.group())));
      }
    }

    private void collectEnds(
        Map<TopicPartition, Long> ends, Map<TopicPartition, String> endErrors) {
      for (TopicPartition tp : asked) {
        try {
          ends.put(
              tp,
              this.ends.partitionResult(tp).get(timeoutMillis(), TimeUnit.MILLISECONDS).offset());
        } catch (ExecutionException e) {
          endErrors.put(
              tp,
              e.getCause() instanceof UnknownTopicOrPartitionException
                  ? "topic " + tp.topic() + " does not exist"
                  : e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                      ? "Kafka at "
                          + cluster.bootstrapServers()
                          + " did not answer ("
                          + describe(e)
                          + ")"
                      : "end offset unreadable (" + describe(e) + ")");
        } catch (java.util.concurrent.TimeoutException e) {
          endErrors.put(tp, "Kafka at " + cluster.bootstrapServers() + " did not answer in time");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          endErrors.put(tp, "interrupted");
        }
      }
    }

    private PipelineReading reading(
        PipelineTarget t,
        Stored stored,
        Map<TopicPartition, Long> ends,
        Map<TopicPartition, String> endErrors,
        Map<TopicPartition, OffsetAndMetadata> group,
        String groupError) {
      Map<TopicPartition, Offsets> offsets = new LinkedHashMap<>();
      Map<TopicPartition, String> errors = new LinkedHashMap<>();
      String storeProblem = stored.problems.get(t.key());
      boolean fromGroup = false;
      for (Map.Entry<TopicPartition, String> e : partitionsOf(t, stored).entrySet()) {
        TopicPartition tp = e.getKey();
        String error = e.getValue() != null ? e.getValue() : endErrors.get(tp);
        Long end = ends.get(tp);
        if (error == null && end == null) {
          error = failure != null ? failure : "end offset unreadable";
        }
        if (error != null) {
          errors.put(tp, cluster.redact(error));
          continue;
        }
        Long processed =
            storeProblem == null ? stored.processed(t.key(), tp, t.stores().size()) : null;
        if (processed == null && group != null && group.get(tp) != null) {
          processed = group.get(tp).offset();
          fromGroup = true;
        }
        if (processed != null) {
          offsets.put(tp, new Offsets(processed, end));
        } else if (storeProblem != null) {
          errors.put(
              tp,
              cluster.redact(
                  storeProblem
                      + (groupError != null
                          ? " and the consumer group's offsets too (" + groupError + ")"
                          : " and consumer group " + t.group() + " has no offset for " + tp)));
        }
      }
      return new PipelineReading(
          offsets, errors, fromGroup ? LagSource.CONSUMER_GROUP : LagSource.OFFSET_STORE);
    }
  }
}
