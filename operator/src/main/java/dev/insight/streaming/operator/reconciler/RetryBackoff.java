package dev.insight.streaming.operator.reconciler;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When to try a failing step again: as long as its condition has already been False, between {@link
 * #MIN} and {@link #MAX}, which doubles the wait on each try without keeping a counter (it survives
 * an operator restart too).
 */
public final class RetryBackoff {

  public static final Duration MIN = Duration.ofSeconds(5);
  public static final Duration MAX = Duration.ofMinutes(2);

  private RetryBackoff() {}

  /**
   * The delay before the next try of the step that owns {@code conditionType}, which is failing
   * now.
   */
  public static Duration next(StreamingPipeline pipeline, String conditionType, Clock clock) {
    Optional<Condition> condition =
        pipeline.getStatus() == null
            ? Optional.empty()
            : pipeline.getStatus().condition(conditionType);
    return next(condition.orElse(null), clock.instant());
  }

  static Duration next(Condition previous, Instant now) {
    if (previous == null || previous.isTrue() || previous.getLastTransitionTime() == null) {
      return MIN;
    }
    try {
      Duration failingFor = Duration.between(Instant.parse(previous.getLastTransitionTime()), now);
      return failingFor.compareTo(MIN) < 0 ? MIN : failingFor.compareTo(MAX) > 0 ? MAX : failingFor;
    } catch (DateTimeParseException e) {
      return MIN;
    }
  }
}
