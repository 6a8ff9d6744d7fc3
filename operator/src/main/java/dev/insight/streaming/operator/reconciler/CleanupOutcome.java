package dev.insight.streaming.operator.reconciler;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether a step finished its part of a deletion, or wants another try after a delay. A step must
 * give up (and say so with a Warning event) after a bounded number of tries, so the finalizer never
 * blocks forever.
 */
public record CleanupOutcome(boolean finished, Optional<Duration> retryAfter) {

  public static CleanupOutcome done() {
    return new CleanupOutcome(true, Optional.empty());
  }

  public static CleanupOutcome retryAfter(Duration delay) {
    return new CleanupOutcome(false, Optional.of(delay));
  }
}
