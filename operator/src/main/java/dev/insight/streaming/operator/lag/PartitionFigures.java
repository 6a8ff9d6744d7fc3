package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.api.status.LagEvaluation;

/**
 * One partition's figures and verdict for one cycle; offsets and lag are null when its reading
 * failed.
 *
 * @param secondsBehind estimated age of the oldest unprocessed record, 0 when caught up
 * @param processingRate processed records per second over the window
 * @param producingRate records appended per second over the window
 * @param detail why the verdict is not OK (null when OK)
 */
public record PartitionFigures(
    String topic,
    int partition,
    Long processed,
    Long end,
    Long lag,
    LagEvaluation evaluation,
    double secondsBehind,
    double processingRate,
    double producingRate,
    String detail) {

  /** {@code topic-partition}, the way Kafka names a partition. */
  public String name() {
    return topic + "-" + partition;
  }
}
