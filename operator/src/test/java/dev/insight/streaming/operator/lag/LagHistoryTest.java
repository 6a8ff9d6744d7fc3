package dev.insight.streaming.operator.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.status.LagEvaluation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LagHistoryTest {

  static PipelineLag lag(long total) {
    return new PipelineLag(
        LagEvaluation.OK,
        "fine",
        total,
        total,
        1L,
        10.0,
        12.5,
        0,
        List.of(
            new PartitionFigures(
                "t", 0, 5L, 5L + total, total, LagEvaluation.OK, 1.0, 10.0, 12.5, null)));
  }

  @Test
  void keepsThePointsOfTheLagWindowOldestFirstAndTheNewestPartitions() {
    LagHistory history = new LagHistory();
    Duration window = Duration.ofSeconds(30);
    for (int second = 0; second <= 60; second += 2) {
      history.record(second * 1000L, lag(second), window);
    }
    LagHistory.Snapshot snapshot = history.snapshot();
    assertThat(snapshot.points()).extracting(LagHistory.Point::atMillis).startsWith(30_000L);
    assertThat(snapshot.points()).last().satisfies(p -> assertThat(p.total()).isEqualTo(60L));
    assertThat(snapshot.points()).hasSize(16);
    assertThat(snapshot.partitions())
        .singleElement()
        .satisfies(p -> assertThat(p.lag()).isEqualTo(60L));
    assertThat(snapshot.evaluation()).isEqualTo("OK");
  }

  @Test
  void holdsAtMostItsCapacityHoweverLongTheWindow() {
    LagHistory history = new LagHistory();
    for (int i = 0; i < LagHistory.CAPACITY * 3; i++) {
      history.record(i * 1000L, lag(i), Duration.ofDays(1));
    }
    assertThat(history.snapshot().points())
        .hasSize(LagHistory.CAPACITY)
        .last()
        .satisfies(p -> assertThat(p.total()).isEqualTo(LagHistory.CAPACITY * 3 - 1L));
  }

  @Test
  void anEmptyHistoryHasNoPointsAndNoVerdict() {
    LagHistory.Snapshot snapshot = new LagHistory().snapshot();
    assertThat(snapshot.points()).isEmpty();
    assertThat(snapshot.partitions()).isEmpty();
    assertThat(snapshot.evaluation()).isNull();
  }
}
