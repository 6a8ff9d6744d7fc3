package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.api.status.LagEvaluation;
import dev.insight.streaming.sinkstores.PipelineKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The lag figures as Prometheus gauges in the operator's registry, one set per pipeline and one
 * gauge per partition; a figure that could not be read this cycle is NaN. Gauges of deleted
 * pipelines and vanished partitions are removed.
 *
 * <pre>
 * streaming_pipeline_partition_lag_records{namespace,name,topic,partition}
 * streaming_pipeline_lag_records{namespace,name}              (sum over partitions)
 * streaming_pipeline_lag_behind_seconds{namespace,name}
 * streaming_pipeline_lag_evaluation{namespace,name,evaluation} (1 for the current verdict, 0 for the others)
 * streaming_pipeline_processing_rate_records_per_second{namespace,name}
 * streaming_pipeline_producing_rate_records_per_second{namespace,name}
 * </pre>
 */
final class LagMetrics {

  private final MeterRegistry registry;
  private final Map<PipelineKey, PipelineGauges> pipelines = new ConcurrentHashMap<>();

  LagMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void publish(PipelineKey key, PipelineLag lag) {
    PipelineGauges gauges = pipelines.computeIfAbsent(key, PipelineGauges::new);
    gauges.total = lag.total() == null ? Double.NaN : lag.total();
    gauges.behind = lag.secondsBehind() == null ? Double.NaN : lag.secondsBehind();
    gauges.processing = lag.processingRate();
    gauges.producing = lag.producingRate();
    gauges.evaluation = lag.evaluation();
    Set<String> seen = new HashSet<>();
    for (PartitionFigures p : lag.partitions()) {
      seen.add(p.name());
      PartitionGauge g =
          gauges.partitions.computeIfAbsent(
              p.name(), n -> gauges.partition(p.topic(), p.partition()));
      g.lag = p.lag() == null ? Double.NaN : p.lag();
    }
    gauges
        .partitions
        .entrySet()
        .removeIf(
            e -> {
              if (seen.contains(e.getKey())) {
                return false;
              }
              registry.remove(e.getValue().meter);
              return true;
            });
  }

  /** Removes the gauges of every pipeline not in {@code keep}. */
  void retain(Set<PipelineKey> keep) {
    for (PipelineKey key : new ArrayList<>(pipelines.keySet())) {
      if (!keep.contains(key)) {
        pipelines.remove(key).remove();
      }
    }
  }

  private final class PipelineGauges {
    final Tags tags;
    final List<Meter> meters = new ArrayList<>();
    final Map<String, PartitionGauge> partitions = new HashMap<>();
    volatile double total = Double.NaN;
    volatile double behind = Double.NaN;
    volatile double processing;
    volatile double producing;
    volatile LagEvaluation evaluation;

    PipelineGauges(PipelineKey key) {
      tags = Tags.of("namespace", key.namespace(), "name", key.name());
      gauge(
          "streaming.pipeline.lag",
          "records",
          "Records not yet processed, summed over partitions",
          g -> g.total);
      gauge(
          "streaming.pipeline.lag.behind",
          "seconds",
          "Estimated age of the oldest unprocessed record",
          g -> g.behind);
      gauge(
          "streaming.pipeline.processing.rate",
          "records.per.second",
          "Records processed per second over the window",
          g -> g.processing);
      gauge(
          "streaming.pipeline.producing.rate",
          "records.per.second",
          "Records appended per second over the window",
          g -> g.producing);
      for (LagEvaluation e : LagEvaluation.values()) {
        meters.add(
            Gauge.builder("streaming.pipeline.lag.evaluation", this, g -> g.evaluation == e ? 1 : 0)
                .description("1 for the pipeline's current lag verdict, 0 for the others")
                .tags(tags)
                .tag("evaluation", e.name())
                .register(registry));
      }
    }

    private void gauge(
        String name, String unit, String description, ToDoubleFunction<PipelineGauges> value) {
      meters.add(
          Gauge.builder(name, this, value)
              .baseUnit(unit)
              .description(description)
              .tags(tags)
              .register(registry));
    }

    PartitionGauge partition(String topic, int partition) {
      PartitionGauge g = new PartitionGauge();
      g.meter =
          Gauge.builder("streaming.pipeline.partition.lag", g, x -> x.lag)
              .baseUnit("records")
              .description("Records not yet processed in one partition")
              .tags(tags)
              .tag("topic", topic)
              .tag("partition", Integer.toString(partition))
              .register(registry);
      return g;
    }

    void remove() {
      meters.forEach(registry::remove);
      partitions.values().forEach(p -> registry.remove(p.meter));
      partitions.clear();
    }
  }

  private static final class PartitionGauge {
    volatile double lag = Double.NaN;
    Meter meter;
  }
}
