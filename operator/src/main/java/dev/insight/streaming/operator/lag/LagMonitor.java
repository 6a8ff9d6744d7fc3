package dev.insight.streaming.operator.lag;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.KafkaSpec;
import dev.insight.streaming.operator.api.spec.LagSpec;
import dev.insight.streaming.operator.api.spec.TopicSpec;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.LagSource;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.config.DurationText;
import dev.insight.streaming.operator.kafka.KafkaCluster;
import dev.insight.streaming.operator.kafka.KafkaClusters;
import dev.insight.streaming.operator.lag.PipelineReading.Offsets;
import dev.insight.streaming.operator.lag.StatusBudget.Decision;
import dev.insight.streaming.operator.lag.StatusBudget.Written;
import dev.insight.streaming.operator.sinksetup.SinkConnections;
import dev.insight.streaming.operator.status.StatusWriter;
import dev.insight.streaming.sinkstores.PipelineKey;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lag monitor: every tick it samples the pipelines whose {@code spec.lag.interval} has come
 * round, reading offsets batched per cluster, evaluates them, publishes the figures as metrics and
 * writes {@code status.lag} and the LagHealthy condition through the {@link StatusWriter} within
 * the status budget. Pipelines come from an informer, so a cycle sends nothing to the API server
 * but the status writes.
 */
public final class LagMonitor implements AutoCloseable {

  /**
   * Resolved Kafka clusters and sink stores (which read Secrets) are resolved again after this
   * long.
   */
  static final Duration TARGET_REFRESH = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(LagMonitor.class);

  private final Supplier<? extends Collection<StreamingPipeline>> pipelines;
  private final KafkaClusters kafka;
  private final SinkConnections sinks;
  private final StatusWriter statusWriter;
  private final Duration tick;
  private final Clock clock;
  private final LagRequests requests;
  private final OffsetReader reader;
  private final LagEvaluator evaluator = new LagEvaluator();
  private final StatusBudget budget = new StatusBudget();
  private final LagMetrics metrics;
  private final Timer cycleTimer;
  private final Counter statusWrites;
  private final KubernetesSerialization serialization;
  private final Map<PipelineKey, Tracked> tracked = new HashMap<>();
  private final Map<PipelineKey, LagHistory> histories =
      new java.util.concurrent.ConcurrentHashMap<>();
  private ScheduledExecutorService scheduler;
  private final java.util.concurrent.ExecutorService writers;

  /** Marks a write the status budget holds back. */
  private static final Runnable WAITING = () -> {};

  /** How many status writes run at once. */
  static final int WRITERS = 4;

  /**
   * @param pipelines the pipelines to measure, as the operator's primary cache holds them (read
   *     only: these objects are the cache's own)
   * @param tick how often the monitor wakes up (the operator's lag interval); a pipeline is sampled
   *     on the first tick at which its own {@code spec.lag.interval} has passed
   */
  public LagMonitor(
      KubernetesSerialization serialization,
      Supplier<? extends Collection<StreamingPipeline>> pipelines,
      KafkaClusters kafka,
      SinkConnections sinks,
      StatusWriter statusWriter,
      MeterRegistry registry,
      Duration tick,
      Clock clock) {
    this.pipelines = pipelines;
    this.kafka = kafka;
    this.sinks = sinks;
    this.statusWriter = statusWriter;
    this.tick = tick;
    this.clock = clock;
    this.serialization = serialization;
    this.requests = new LagRequests().register(registry);
    this.reader = new OffsetReader(kafka, sinks, requests, clock);
    this.metrics = new LagMetrics(registry);
    this.cycleTimer =
        Timer.builder("streaming.pipeline.lag.cycle")
            .description("Time of one lag cycle: read, evaluate, write changed statuses")
            .register(registry);
    this.writers =
        Executors.newFixedThreadPool(
            WRITERS,
            r -> {
              Thread t = new Thread(r, "lag-status-writer");
              t.setDaemon(true);
              return t;
            });
    this.statusWrites =
        Counter.builder("streaming.pipeline.lag.status.writes")
            .description("Status writes made by the lag monitor")
            .register(registry);
  }

  /** Starts the periodic cycle. */
  public synchronized LagMonitor start() {
    if (scheduler != null) {
      return this;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lag-monitor");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(this::safeCycle, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("lag monitor started: tick {}", DurationText.format(tick));
    return this;
  }

  /**
   * The recent lag figures of a pipeline the monitor measures (for the web view); empty before its
   * first cycle.
   */
  public java.util.Optional<LagHistory.Snapshot> history(PipelineKey key) {
    return java.util.Optional.ofNullable(histories.get(key)).map(LagHistory::snapshot);
  }

  /** Request counts so far, by kind. */
  public LagRequests requests() {
    return requests;
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
    writers.shutdownNow();
  }

  private void safeCycle() {
    try {
      runCycle();
    } catch (RuntimeException e) {
      // the monitor must outlive any one bad cycle
      LOG.warn("lag cycle failed: {}", e.toString(), e);
    }
  }

  /** What one cycle did. */
  public record CycleReport(
      int pipelines,
      int sampled,
      int written,
      int waiting,
      Duration took,
      Duration read,
      Duration evaluate,
      Duration write) {}

  /** Runs one cycle now: read, evaluate, publish, write what the budget allows. Not reentrant. */
  public synchronized CycleReport runCycle() {
    long started = System.nanoTime();
    Instant now = clock.instant();
    List<StreamingPipeline> pipelines = List.copyOf(this.pipelines.get());
    Set<PipelineKey> present = new HashSet<>();
    List<Tracked> due = new ArrayList<>();
    for (StreamingPipeline p : pipelines) {
      if (p.getSpec() == null
          || p.getSpec().getKafka() == null
          || p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      PipelineKey key = new PipelineKey(p.getMetadata().getNamespace(), p.getMetadata().getName());
      present.add(key);
      Tracked t = tracked.computeIfAbsent(key, k -> new Tracked(k, p));
      t.refresh(p, now);
      if (t.due(now)) {
        due.add(t);
      }
    }
    tracked.keySet().retainAll(present);
    histories.keySet().retainAll(present);
    metrics.retain(present);
    long readStarted = System.nanoTime();
    Map<PipelineKey, PipelineReading> readings =
        reader.read(due.stream().map(t -> t.target).toList());
    long readEnded = System.nanoTime();
    reader.retainClusters(
        tracked.values().stream()
            .map(t -> t.target.kafka())
            .filter(Objects::nonNull)
            .collect(Collectors.toSet()));
    List<Runnable> writes = new ArrayList<>();
    int waiting = 0;
    for (Tracked t : due) {
      PipelineLag lag = t.apply(readings.get(t.key), now);
      histories
          .computeIfAbsent(t.key, k -> new LagHistory())
          .record(now.toEpochMilli(), lag, t.rules.window());
      metrics.publish(t.key, lag);
      Runnable write = t.write(lag, now);
      if (write == WAITING) {
        waiting++;
      } else if (write != null) {
        writes.add(write);
      }
    }
    long evaluated = System.nanoTime();
    writeAll(writes);
    long ended = System.nanoTime();
    Duration took = Duration.ofNanos(ended - started);
    cycleTimer.record(took);
    return new CycleReport(
        present.size(),
        due.size(),
        writes.size(),
        waiting,
        took,
        Duration.ofNanos(readEnded - readStarted),
        Duration.ofNanos(evaluated - readEnded),
        Duration.ofNanos(ended - evaluated));
  }

  /**
   * Runs the status writes on a few threads: each is one round trip, and the API server serves them
   * in parallel.
   */
  private void writeAll(List<Runnable> writes) {
    if (writes.size() <= 1) {
      writes.forEach(Runnable::run);
      return;
    }
    List<java.util.concurrent.Future<?>> futures = new ArrayList<>(writes.size());
    writes.forEach(w -> futures.add(writers.submit(w)));
    for (java.util.concurrent.Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.warn("a lag status write failed: {}", e.getCause().toString());
      }
    }
  }

  /** What the monitor keeps about one pipeline between cycles. */
  private final class Tracked {
    final PipelineKey key;
    StreamingPipeline pipeline;
    LagRules rules;
    Duration interval;
    PipelineTarget target;
    Instant resolvedAt;
    Long resolvedGeneration;
    Instant sampledAt;
    Written written;
    LagSource source;
    final Map<TopicPartition, PartitionWindow> windows = new LinkedHashMap<>();

    Tracked(PipelineKey key, StreamingPipeline pipeline) {
      this.key = key;
      this.written = writtenIn(pipeline);
    }

    void refresh(StreamingPipeline p, Instant now) {
      pipeline = p;
      Long generation = p.getMetadata().getGeneration();
      if (target == null
          || !Objects.equals(generation, resolvedGeneration)
          || !now.isBefore(resolvedAt.plus(TARGET_REFRESH))) {
        rules = LagRules.of(p.getSpec().getLag());
        // the API server defaults the section; a spec built in Java without one takes the model's
        interval =
            DurationText.parse(
                (p.getSpec().getLag() == null ? new LagSpec() : p.getSpec().getLag())
                    .getInterval());
        target = resolve(p);
        resolvedAt = now;
        resolvedGeneration = generation;
      }
    }

    boolean due(Instant now) {
      // half a tick of slack, so that an interval equal to the tick is met every tick
      return sampledAt == null || !now.isBefore(sampledAt.plus(interval).minus(tick.dividedBy(2)));
    }

    PipelineTarget resolve(StreamingPipeline p) {
      KafkaSpec spec = p.getSpec().getKafka();
      Map<String, Integer> topics = new LinkedHashMap<>();
      for (TopicSpec topic : spec.getTopics()) {
        topics.put(topic.getName(), topic.getPartitions() == null ? 1 : topic.getPartitions());
      }
      try {
        KafkaCluster cluster = kafka.clusterOf(p);
        List<StoreCluster> stores = new ArrayList<>();
        sinks.mongoOf(p).map(StoreCluster::of).ifPresent(stores::add);
        sinks.cassandraOf(p).map(StoreCluster::of).ifPresent(stores::add);
        String group =
            spec.getConsumerGroup() != null
                ? spec.getConsumerGroup()
                : key.namespace() + "." + key.name();
        return new PipelineTarget(key, cluster, group, topics, stores, null);
      } catch (RuntimeException e) {
        return PipelineTarget.unresolved(key, topics, OffsetReader.describe(e));
      }
    }

    PipelineLag apply(PipelineReading reading, Instant now) {
      sampledAt = now;
      long at = now.toEpochMilli();
      Set<TopicPartition> seen = new HashSet<>();
      for (Map.Entry<TopicPartition, Offsets> e : reading.offsets().entrySet()) {
        seen.add(e.getKey());
        window(e.getKey()).add(at, e.getValue().processed(), e.getValue().end(), rules.window());
      }
      for (Map.Entry<TopicPartition, String> e : reading.errors().entrySet()) {
        seen.add(e.getKey());
        window(e.getKey()).fail(e.getValue());
      }
      windows.keySet().retainAll(seen);
      source = reading.source();
      return evaluator.evaluate(windows.values(), rules, driverRunning(), at);
    }

    private PartitionWindow window(TopicPartition tp) {
      return windows.computeIfAbsent(tp, k -> new PartitionWindow(k.topic(), k.partition()));
    }

    boolean driverRunning() {
      return pipeline.getStatus() != null
          && pipeline
              .getStatus()
              .condition(Conditions.DRIVER_RUNNING)
              .map(Condition::isTrue)
              .orElse(false);
    }

    /**
     * The status write this cycle's lag calls for, {@link #WAITING} when it must wait, or null when
     * none.
     */
    Runnable write(PipelineLag lag, Instant now) {
      String evaluatedAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
      LagStatus status = lag.toStatus(source, evaluatedAt, rules.maxPartitions());
      String conditionStatus = lag.healthy() ? Conditions.TRUE : Conditions.FALSE;
      String reason = lag.reason().value();
      // the condition's message rides with the figures: a new one is written when figures would be,
      // never lost
      String figures = figures(status) + MESSAGE_SEPARATOR + lag.message();
      Decision decision =
          budget.decide(
              written,
              lag.evaluation(),
              conditionStatus,
              reason,
              figures,
              now,
              rules.statusInterval());
      if (decision == Decision.WAIT) {
        return WAITING;
      }
      if (decision == Decision.SKIP) {
        return null;
      }
      StreamingPipeline base = pipeline;
      return () -> {
        try {
          StreamingPipeline stored =
              statusWriter.update(
                  base,
                  editor -> {
                    editor.status().setLag(status);
                    editor.condition(
                        Conditions.LAG_HEALTHY, conditionStatus, lag.reason(), lag.message());
                  });
          statusWrites.increment();
          written = new Written(lag.evaluation(), conditionStatus, reason, figures, now);
          if (stored != null) {
            pipeline = stored;
          }
        } catch (RuntimeException e) {
          LOG.warn("could not write the lag status of {}: {}", key, e.getMessage());
        }
      };
    }

    /**
     * What the pipeline's status already says, so that a restarted operator does not write it
     * again.
     */
    private Written writtenIn(StreamingPipeline p) {
      if (p.getStatus() == null || p.getStatus().getLag() == null) {
        return null;
      }
      LagStatus lag = p.getStatus().getLag();
      Condition condition = p.getStatus().condition(Conditions.LAG_HEALTHY).orElse(null);
      Instant at = lag.getEvaluatedAt() == null ? null : Instant.parse(lag.getEvaluatedAt());
      return new Written(
          lag.getEvaluation(),
          condition == null ? null : condition.getStatus(),
          condition == null ? null : condition.getReason(),
          figures(lag) + MESSAGE_SEPARATOR + (condition == null ? null : condition.getMessage()),
          at);
    }
  }

  private static final String MESSAGE_SEPARATOR = "\n";

  /**
   * status.lag as JSON without evaluatedAt; never touches the object, which may be the informer
   * cache's own.
   */
  private String figures(LagStatus status) {
    ObjectNode tree = serialization.convertValue(status, ObjectNode.class);
    tree.remove("evaluatedAt");
    return tree.toString();
  }
}
