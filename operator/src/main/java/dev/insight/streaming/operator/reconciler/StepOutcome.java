package dev.insight.streaming.operator.reconciler;

import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.status.StatusEditor;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a step found: whether its concern is ready (its condition's status), why, a message for
 * people, when to look again, and any status details it owns (topics, driver).
 *
 * @param ready whether the step's condition is True; false stops the steps after it
 * @param reason the condition's reason
 * @param message one sentence naming what was found; never a secret value
 * @param recheckAfter when to reconcile again even without an event; empty leaves it to events and
 *     the default
 * @param details further status the step owns, e.g. {@code status.topics}
 */
public record StepOutcome(
    boolean ready,
    Reason reason,
    String message,
    Optional<Duration> recheckAfter,
    Consumer<StatusEditor> details) {

  public static StepOutcome ready(Reason reason, String message) {
    return new StepOutcome(true, reason, message, Optional.empty(), editor -> {});
  }

  public static StepOutcome notReady(Reason reason, String message, Duration recheckAfter) {
    return new StepOutcome(false, reason, message, Optional.of(recheckAfter), editor -> {});
  }

  /** The same outcome, with status details the step owns. */
  public StepOutcome withDetails(Consumer<StatusEditor> moreDetails) {
    return new StepOutcome(ready, reason, message, recheckAfter, details.andThen(moreDetails));
  }

  /** The same outcome, asking to be looked at again after {@code delay}. */
  public StepOutcome recheckAfter(Duration delay) {
    return new StepOutcome(ready, reason, message, Optional.of(delay), details);
  }
}
