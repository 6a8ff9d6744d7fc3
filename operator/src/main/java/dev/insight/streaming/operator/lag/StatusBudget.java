package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.api.status.LagEvaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides whether a pipeline's lag goes into its status this cycle. Status writes are a budget on a
 * shared API server: a new verdict or condition is written at once; figures alone at most once per
 * status interval and only when they moved; nothing that is already there is ever written again.
 */
final class StatusBudget {

  /** What to do with this cycle's lag. */
  enum Decision {
    /** The verdict or the LagHealthy condition changed (or status holds no lag yet): write now. */
    WRITE_CHANGE,
    /** Only figures moved and the status interval has passed since the last write. */
    WRITE_FIGURES,
    /** Figures moved, but the last write is more recent than the status interval. */
    WAIT,
    /** Nothing moved. */
    SKIP
  }

  /**
   * What status last received: the verdict, the LagHealthy condition's status and reason, the
   * figures (status.lag serialized without evaluatedAt, followed by the condition's message, which
   * is budgeted like a figure) and when.
   */
  record Written(
      LagEvaluation evaluation,
      String conditionStatus,
      String reason,
      String figures,
      Instant at) {}

  Decision decide(
      Written last,
      LagEvaluation evaluation,
      String conditionStatus,
      String reason,
      String figures,
      Instant now,
      Duration statusInterval) {
    if (last == null
        || last.evaluation() != evaluation
        || !Objects.equals(last.conditionStatus(), conditionStatus)
        || !Objects.equals(last.reason(), reason)) {
      return Decision.WRITE_CHANGE;
    }
    if (Objects.equals(last.figures(), figures)) {
      return Decision.SKIP;
    }
    if (!measured(last.figures()) && measured(figures)) {
      // the first figures after none (e.g. the job's first stored offsets) are news, not a drift of
      // numbers
      return Decision.WRITE_CHANGE;
    }
    boolean due = last.at() == null || !now.isBefore(last.at().plus(statusInterval));
    return due ? Decision.WRITE_FIGURES : Decision.WAIT;
  }

  /** Whether serialized lag figures hold a total, i.e. some partition's offsets were measured. */
  private static boolean measured(String figures) {
    return figures != null && figures.contains("\"total\":");
  }
}
