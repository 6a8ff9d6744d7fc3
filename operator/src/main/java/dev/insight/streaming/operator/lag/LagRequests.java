package dev.insight.streaming.operator.lag;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many requests the lag monitor sent to Kafka and the offset stores, by kind, also served as
 * metrics.
 */
public final class LagRequests {

  /** A kind of request; each is sent at most once per cluster per cycle. */
  public enum Kind {
    /**
     * One {@code listOffsets} (latest) per Kafka cluster for every partition of every pipeline on
     * it.
     */
    END_OFFSETS("end_offsets"),
    /** One {@code listConsumerGroupOffsets} per Kafka cluster for every pipeline's group on it. */
    GROUP_OFFSETS("group_offsets"),
    /**
     * One {@code describeTopics} per Kafka cluster, only in cycles where partition counts must be
     * refreshed.
     */
    TOPIC_METADATA("topic_metadata"),
    /** One {@code OffsetStore.readMany} per sink cluster for every pipeline writing to it. */
    OFFSET_STORE("offset_store");

    private final String tag;

    Kind(String tag) {
      this.tag = tag;
    }

    /** The value of the metric's {@code kind} tag. */
    public String tag() {
      return tag;
    }
  }

  private final Map<Kind, AtomicLong> counts = new EnumMap<>(Kind.class);

  public LagRequests() {
    for (Kind kind : Kind.values()) {
      counts.put(kind, new AtomicLong());
    }
  }

  /** Serves the counts as {@code streaming_pipeline_lag_requests_total{kind=...}}. */
  public LagRequests register(MeterRegistry registry) {
    counts.forEach(
        (kind, count) ->
            FunctionCounter.builder("streaming.pipeline.lag.requests", count, AtomicLong::get)
                .description("Requests the lag monitor sent to Kafka and the offset stores")
                .tag("kind", kind.tag())
                .register(registry));
    return this;
  }

  void count(Kind kind) {
    counts.get(kind).incrementAndGet();
  }

  /** Requests of {@code kind} sent so far. */
  public long get(Kind kind) {
    return counts.get(kind).get();
  }

  /** Every count at this moment. */
  public Map<Kind, Long> snapshot() {
    Map<Kind, Long> copy = new EnumMap<>(Kind.class);
    counts.forEach((kind, count) -> copy.put(kind, count.get()));
    return copy;
  }
}
