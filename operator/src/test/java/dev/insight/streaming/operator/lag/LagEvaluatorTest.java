package dev.insight.streaming.operator.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.insight.streaming.operator.api.status.LagEvaluation;
import dev.insight.streaming.operator.api.status.LagSource;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.PartitionLag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LagEvaluatorTest {

  // window 10 s, stall after 4 s, warn above 100 records
  private static final LagRules RULES =
      new LagRules(Duration.ofSeconds(10), Duration.ofSeconds(4), 100, Duration.ofSeconds(30), 3);
  private final LagEvaluator evaluator = new LagEvaluator();

  /**
   * Samples once a second: end grows by {@code produce}/s, processed by {@code consume}/s, from t =
   * 0.
   */
  private static PartitionWindow steady(
      String topic, int partition, int seconds, long produce, long consume, long startLag) {
    PartitionWindow w = new PartitionWindow(topic, partition);
    for (int s = 0; s <= seconds; s++) {
      w.add(s * 1000L, 1000 + s * consume, 1000 + startLag + s * produce, RULES.window());
    }
    return w;
  }

  private PipelineLag judge(boolean driverRunning, long now, PartitionWindow... windows) {
    return evaluator.evaluate(List.of(windows), RULES, driverRunning, now);
  }

  @Test
  void caughtUpIsOkWithZeroLagAndZeroSecondsBehind() {
    PipelineLag lag = judge(true, 20_000, steady("t", 0, 20, 50, 50, 0));
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.OK);
    assertThat(lag.total()).isZero();
    assertThat(lag.secondsBehind()).isZero();
    assertThat(lag.processingRate()).isEqualTo(50.0, within(0.001));
    assertThat(lag.producingRate()).isEqualTo(50.0, within(0.001));
    assertThat(lag.message()).isEqualTo("Caught up on all 1 partition");
  }

  @Test
  void shrinkingLagIsOk() {
    PipelineLag lag = judge(true, 20_000, steady("t", 0, 20, 50, 80, 1_000));
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.OK);
    assertThat(lag.total()).isEqualTo(1_000 - 20 * 30);
  }

  @Test
  void lagGrowingAcrossTheWholeWindowAboveTheThresholdIsWarn() {
    PipelineLag lag = judge(true, 20_000, steady("t", 0, 20, 80, 50, 200));
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.WARN);
    assertThat(lag.healthy()).isFalse();
    assertThat(lag.message())
        .startsWith("1 partition growing: lag of t-0 grew from 500 to 800 across the 10s window");
  }

  @Test
  void growthBelowTheWarnThresholdIsOk() {
    assertThat(judge(true, 20_000, steady("t", 0, 20, 52, 50, 10)).evaluation())
        .isEqualTo(LagEvaluation.OK);
  }

  @Test
  void growthNotYetObservedForAWholeWindowIsOk() {
    assertThat(judge(true, 8_000, steady("t", 0, 8, 80, 50, 200)).evaluation())
        .isEqualTo(LagEvaluation.OK);
  }

  @Test
  void lagThatDippedBelowWhereTheWindowStartedIsNotGrowingAcrossTheWholeWindow() {
    PartitionWindow w = steady("t", 0, 10, 80, 50, 500);
    w.add(11_000, 1000 + 10 * 50 + 400, 1000 + 500 + 11 * 80, RULES.window());
    w.add(12_000, 1000 + 10 * 50 + 400, 1000 + 500 + 12 * 80 + 400, RULES.window());
    PipelineLag lag = judge(true, 12_000, w);
    assertThat(lag.total()).isGreaterThan(w.lag(0));
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.OK);
  }

  @Test
  void aProcessedOffsetStandingStillWhileRecordsWaitIsStallAfterTheThreshold() {
    PartitionWindow w = new PartitionWindow("t", 0);
    for (int s = 0; s <= 3; s++) {
      w.add(s * 1000L, 100, 100 + s * 10, RULES.window());
    }
    assertThat(judge(true, 3_000, w).evaluation()).isEqualTo(LagEvaluation.OK);
    w.add(5_000, 100, 150, RULES.window());
    PipelineLag lag = judge(true, 5_000, w);
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.STALL);
    assertThat(lag.reason().value()).isEqualTo("LagStalled");
    assertThat(lag.message())
        .isEqualTo(
            "1 partition stalled: the processed offset of t-0 stood at 100 for 4s while 50 records waited");
  }

  @Test
  void anOffsetIdleForLongWithNothingToProcessIsNotStalledWhenARecordArrives() {
    PartitionWindow w = new PartitionWindow("t", 0);
    for (int s = 0; s <= 60; s++) {
      w.add(s * 1000L, 100, 100, RULES.window());
    }
    w.add(61_000, 100, 101, RULES.window());
    assertThat(judge(true, 61_000, w).evaluation()).isEqualTo(LagEvaluation.OK);
  }

  @Test
  void oneStuckPartitionWhileOthersAdvanceStaysStallAndNeverBecomesStop() {
    PartitionWindow stuck = new PartitionWindow("t", 0);
    for (int s = 0; s <= 30; s++) {
      stuck.add(s * 1000L, 100, 100 + s * 10, RULES.window());
    }
    PartitionWindow moving = steady("t", 1, 30, 10, 10, 0);
    PipelineLag lag = judge(true, 30_000, stuck, moving);
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.STALL);
  }

  @Test
  void nothingMovingAnywhereForLongerThanTheWindowWhileTheDriverRunsIsStop() {
    PartitionWindow a = new PartitionWindow("t", 0);
    PartitionWindow b = new PartitionWindow("t", 1);
    for (int s = 0; s <= 11; s++) {
      a.add(s * 1000L, 100, 100 + s * 10, RULES.window());
      b.add(s * 1000L, 500, 500, RULES.window());
    }
    // records began to wait at 1 s
    assertThat(judge(true, 11_000, a, b).evaluation())
        .as("10 s of silence is not longer than the 10 s window")
        .isEqualTo(LagEvaluation.STALL);
    PipelineLag stop = judge(true, 12_000, a, b);
    assertThat(stop.evaluation()).isEqualTo(LagEvaluation.STOP);
    assertThat(stop.reason().value()).isEqualTo("OffsetsStopped");
    assertThat(stop.message())
        .isEqualTo(
            "No processed offset moved for 11s (window 10s) while the driver runs and 110 records wait on 1 partition");
    assertThat(judge(false, 12_000, a, b).evaluation())
        .as("a stopped driver is DriverRunning's news, not STOP")
        .isEqualTo(LagEvaluation.STALL);
  }

  @Test
  void anUnreadablePartitionMakesThePipelineErrWithItsReasonWhileTheOthersKeepTheirFigures() {
    PartitionWindow gone = new PartitionWindow("gone", 0);
    gone.fail("topic gone does not exist");
    PipelineLag lag = judge(true, 20_000, steady("t", 0, 20, 80, 50, 200), gone);
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.ERR);
    assertThat(lag.message())
        .isEqualTo("Offsets of 1 partition are unreadable, e.g. gone-0: topic gone does not exist");
    assertThat(lag.total()).isEqualTo(800);
    assertThat(lag.partitions().get(0).evaluation()).isEqualTo(LagEvaluation.ERR);
    assertThat(lag.partitions().get(0).lag()).isNull();
  }

  @Test
  void aPipelineWithNothingReadableHasNoFigures() {
    PartitionWindow a = new PartitionWindow("t", 0);
    a.fail("broker unreachable");
    PartitionWindow b = new PartitionWindow("t", 1);
    b.fail("broker unreachable");
    PipelineLag lag = judge(true, 0, a, b);
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.ERR);
    assertThat(lag.message())
        .isEqualTo("Offsets of all 2 partitions are unreadable: broker unreachable");
    assertThat(lag.total()).isNull();
    assertThat(lag.secondsBehind()).isNull();
  }

  @Test
  void partitionsWithoutAnyProcessedOffsetYetAreLeftOut() {
    PipelineLag lag = judge(true, 20_000, steady("t", 0, 20, 5, 5, 3), new PartitionWindow("t", 1));
    assertThat(lag.partitions()).extracting(PartitionFigures::name).containsExactly("t-0");
    assertThat(lag.evaluation()).isEqualTo(LagEvaluation.OK);
  }

  @Test
  void caughtUpIsNeverSaidWithoutFiguresBeforeAnyOffsetIsStored() {
    // the demo's topic has 4 partitions; the job has neither stored nor committed an offset yet
    List<PartitionWindow> windows = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      windows.add(new PartitionWindow("t", p));
    }
    PipelineLag none = evaluator.evaluate(windows, RULES, true, 0);
    LagStatus before =
        none.toStatus(LagSource.OFFSET_STORE, "2024-01-01T00:00:00Z", RULES.maxPartitions());
    assertThat(none.message()).isEqualTo("No partitions to measure yet");
    assertThat(before.getTotal()).isNull();
    assertThat(before.getPartitionCount()).isZero();
    windows.forEach(w -> w.add(1000, 7, 7, RULES.window()));
    PipelineLag caughtUp = evaluator.evaluate(windows, RULES, true, 1000);
    LagStatus after =
        caughtUp.toStatus(LagSource.OFFSET_STORE, "2024-01-01T00:00:01Z", RULES.maxPartitions());
    assertThat(caughtUp.message()).isEqualTo("Caught up on all 4 partitions");
    assertThat(after.getTotal()).isZero();
    assertThat(after.getPartitionCount()).isEqualTo(4);
  }

  @Test
  void secondsBehindInterpolatesWhenTheOldestUnprocessedRecordWasAppended() {
    // 100 records/s appended; processed stands 3.5 s behind the log end
    PartitionWindow w = new PartitionWindow("t", 0);
    for (int s = 0; s <= 10; s++) {
      w.add(s * 1000L, Math.max(0, s * 100 - 350), s * 100L, RULES.window());
    }
    assertThat(LagEvaluator.secondsBehind(w, 10_000)).isEqualTo(3.49, within(0.001));
    assertThat(judge(true, 10_000, w).secondsBehind()).isEqualTo(3L);
  }

  @Test
  void secondsBehindBeforeTheWindowIsExtrapolatedAtTheWindowsRateAndNeverNegativeOrNaN() {
    PartitionWindow w = new PartitionWindow("t", 0);
    w.add(0, 0, 1000, RULES.window());
    assertThat(LagEvaluator.secondsBehind(w, 0)).isZero();
    assertThat(LagEvaluator.secondsBehind(w, 2_000)).isEqualTo(2.0, within(0.001));
    w.add(1000, 0, 1100, RULES.window());
    // 100 records/s: offset 0 (the 1,000th record before the first sample) was appended ~10 s
    // before it
    assertThat(LagEvaluator.secondsBehind(w, 1000)).isEqualTo(10.99, within(0.001));
    PartitionWindow idle = new PartitionWindow("t", 1);
    idle.add(0, 5, 9, RULES.window());
    idle.add(5000, 5, 9, RULES.window());
    assertThat(LagEvaluator.secondsBehind(idle, 5000)).isEqualTo(5.0, within(0.001));
    PartitionWindow future = new PartitionWindow("t", 2);
    future.add(5000, 5, 9, RULES.window());
    assertThat(LagEvaluator.secondsBehind(future, 1000)).isZero();
  }

  @Test
  void statusKeepsTheCompleteSummaryAndListsTheLargestPartitionsUpToTheLimit() {
    List<PartitionWindow> windows = new ArrayList<>();
    for (int p = 0; p < 5; p++) {
      PartitionWindow w = new PartitionWindow("t", p);
      w.add(0, 0, p * 10L, RULES.window());
      windows.add(w);
    }
    PartitionWindow gone = new PartitionWindow("u", 0);
    gone.fail("unreadable");
    windows.add(gone);
    PipelineLag lag = evaluator.evaluate(windows, RULES, true, 0);
    LagStatus status =
        lag.toStatus(LagSource.OFFSET_STORE, "2024-01-01T00:00:00Z", RULES.maxPartitions());
    assertThat(status.getPartitionCount()).isEqualTo(6);
    assertThat(status.getLaggingPartitions()).isEqualTo(4);
    assertThat(status.getTotal()).isEqualTo(100);
    assertThat(status.getMax()).isEqualTo(40);
    assertThat(status.getSource()).isEqualTo(LagSource.OFFSET_STORE);
    assertThat(status.getPartitions())
        .extracting(p -> p.getTopic() + "-" + p.getPartition())
        .containsExactly("u-0", "t-4", "t-3");
    assertThat(status.getPartitions())
        .extracting(PartitionLag::getLag)
        .containsExactly(null, 40L, 30L);
  }
}
