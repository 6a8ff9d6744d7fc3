package dev.insight.streaming.operator.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.status.LagEvaluation;
import dev.insight.streaming.operator.lag.StatusBudget.Decision;
import dev.insight.streaming.operator.lag.StatusBudget.Written;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusBudgetTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private final StatusBudget budget = new StatusBudget();
  private final Written last = new Written(LagEvaluation.OK, "True", "LagOk", "{\"total\":5}", T0);

  @Test
  void aFirstLagIsWrittenAtOnce() {
    assertThat(budget.decide(null, LagEvaluation.OK, "True", "LagOk", "{}", T0, INTERVAL))
        .isEqualTo(Decision.WRITE_CHANGE);
  }

  @Test
  void aNewVerdictIsWrittenAtOnceEvenRightAfterAWrite() {
    assertThat(
            budget.decide(
                last,
                LagEvaluation.STALL,
                "False",
                "LagStalled",
                "{\"total\":5}",
                T0.plusSeconds(1),
                INTERVAL))
        .isEqualTo(Decision.WRITE_CHANGE);
  }

  @Test
  void aChangedConditionIsWrittenAtOnceEvenWithTheSameVerdict() {
    assertThat(
            budget.decide(
                last,
                LagEvaluation.OK,
                "Unknown",
                "LagOk",
                "{\"total\":5}",
                T0.plusSeconds(1),
                INTERVAL))
        .isEqualTo(Decision.WRITE_CHANGE);
  }

  @Test
  void movedFiguresWaitForTheStatusIntervalThenGoIn() {
    assertThat(
            budget.decide(
                last,
                LagEvaluation.OK,
                "True",
                "LagOk",
                "{\"total\":9}",
                T0.plusSeconds(29),
                INTERVAL))
        .isEqualTo(Decision.WAIT);
    assertThat(
            budget.decide(
                last,
                LagEvaluation.OK,
                "True",
                "LagOk",
                "{\"total\":9}",
                T0.plusSeconds(30),
                INTERVAL))
        .isEqualTo(Decision.WRITE_FIGURES);
  }

  @Test
  void unchangedFiguresAreNeverWrittenHoweverLongAgoTheLastWriteWas() {
    assertThat(
            budget.decide(
                last,
                LagEvaluation.OK,
                "True",
                "LagOk",
                "{\"total\":5}",
                T0.plus(Duration.ofDays(1)),
                INTERVAL))
        .isEqualTo(Decision.SKIP);
  }

  @Test
  void theFirstFiguresAfterNoneAreWrittenAtOnce() {
    Written unmeasured =
        new Written(LagEvaluation.OK, "True", "LagOk", "{\"partitionCount\":0}", T0);
    assertThat(
            budget.decide(
                unmeasured,
                LagEvaluation.OK,
                "True",
                "LagOk",
                "{\"total\":0,\"partitionCount\":4}",
                T0.plusSeconds(1),
                INTERVAL))
        .isEqualTo(Decision.WRITE_CHANGE);
  }
}
