package dev.insight.streaming.operator.lag;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One pipeline's recent lag figures, one point per lag cycle, for the web view's charts: what the
 * monitor evaluated anyway, so drawing them reads nothing new. Points older than the pipeline's lag
 * window go, and at most {@value #CAPACITY} stay.
 */
public final class LagHistory {

  static final int CAPACITY = 240;

  /**
   * One cycle's figures; {@code total} and {@code secondsBehind} are null when no partition could
   * be read.
   */
  public record Point(
      long atMillis, Long total, Long secondsBehind, double processingRate, double producingRate) {}

  /** The points oldest first, and the newest cycle's per-partition figures. */
  public record Snapshot(
      List<Point> points, List<PartitionFigures> partitions, String evaluation, String message) {}

  private final ArrayDeque<Point> points = new ArrayDeque<>();
  private PipelineLag latest;

  synchronized void record(long atMillis, PipelineLag lag, Duration window) {
    points.addLast(
        new Point(
            atMillis, lag.total(), lag.secondsBehind(), lag.processingRate(), lag.producingRate()));
    long cutoff = atMillis - window.toMillis();
    while (points.size() > CAPACITY
        || (points.size() > 1 && points.peekFirst().atMillis() < cutoff)) {
      points.removeFirst();
    }
    latest = lag;
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(
        List.copyOf(points),
        latest == null ? List.of() : List.copyOf(latest.partitions()),
        latest == null ? null : latest.evaluation().name(),
        latest == null ? null : latest.message());
  }
}
