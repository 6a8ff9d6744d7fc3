package dev.insight.streaming.operator.lag;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PartitionWindowTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);

  @Test
  void keepsTheWindowPlusOneSampleBeforeItSoTheWholeWindowIsCovered() {
    PartitionWindow w = new PartitionWindow("t", 0);
    for (int s = 0; s <= 30; s++) {
      w.add(s * 1000L, s, s * 2L, WINDOW);
    }
    assertThat(w.at(0)).isEqualTo(20_000L);
    assertThat(w.at(w.size() - 1)).isEqualTo(30_000L);
    assertThat(w.size()).isEqualTo(11);
  }

  @Test
  void manySamplesInALongWindowAreThinnedInsteadOfShorteningTheWindow() {
    PartitionWindow w = new PartitionWindow("t", 0);
    Duration hour = Duration.ofHours(1);
    for (int s = 0; s <= 3600; s++) {
      w.add(s * 1000L, s, s, hour);
    }
    assertThat(w.size()).isLessThanOrEqualTo(PartitionWindow.CAPACITY);
    assertThat(w.at(0)).isLessThanOrEqualTo(0L);
    assertThat(w.at(w.size() - 1)).isEqualTo(3_600_000L);
    for (int i = 1; i < w.size(); i++) {
      assertThat(w.at(i)).isGreaterThan(w.at(i - 1));
    }
  }

  @Test
  void offsetsGoingBackwardsStartAFreshWindow() {
    PartitionWindow w = new PartitionWindow("t", 0);
    w.add(0, 100, 200, WINDOW);
    w.add(1000, 150, 250, WINDOW);
    w.add(2000, 0, 10, WINDOW);
    assertThat(w.size()).isEqualTo(1);
    assertThat(w.processed(0)).isZero();
    assertThat(w.movedAt()).isEqualTo(2000L);
  }

  @Test
  void waitingStartsWhenRecordsQueueBehindAStillOffsetAndEndsWhenItMovesOrCatchesUp() {
    PartitionWindow w = new PartitionWindow("t", 0);
    w.add(0, 10, 10, WINDOW);
    assertThat(w.waitingSince()).isEqualTo(Long.MIN_VALUE);
    w.add(1000, 10, 15, WINDOW);
    w.add(2000, 10, 20, WINDOW);
    assertThat(w.waitingSince()).isEqualTo(1000L);
    assertThat(w.movedAt()).isEqualTo(0L);
    w.add(3000, 12, 20, WINDOW);
    assertThat(w.waitingSince()).isEqualTo(3000L);
    assertThat(w.movedAt()).isEqualTo(3000L);
    w.add(4000, 20, 20, WINDOW);
    assertThat(w.waitingSince()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void aFailedReadingKeepsTheSamplesAndTheNextReadingClearsTheError() {
    PartitionWindow w = new PartitionWindow("t", 0);
    w.add(0, 1, 2, WINDOW);
    w.fail("topic t does not exist");
    assertThat(w.error()).isEqualTo("topic t does not exist");
    assertThat(w.size()).isEqualTo(1);
    w.add(1000, 2, 2, WINDOW);
    assertThat(w.error()).isNull();
    assertThat(w.lag(1)).isZero();
  }
}
