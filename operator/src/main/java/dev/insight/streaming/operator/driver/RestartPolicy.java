package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.Durations;
import dev.insight.streaming.operator.api.spec.BackoffSpec;
import dev.insight.streaming.operator.api.spec.RestartPolicySpec;
import dev.insight.streaming.operator.api.spec.RestartPolicyType;
import java.time.Duration;
import java.util.Optional;

/**
 * When a stopped driver is started again, and after how long: which exits restart it, an
 * exponential delay from {@code initial} doubling up to {@code max}, a budget of restarts in a row,
 * and the run time after which a driver counts as stable (its failures before no longer count).
 *
 * @param maxRetries restarts allowed in a row; empty is unlimited
 */
public record RestartPolicy(
    RestartPolicyType type,
    Duration initialDelay,
    Duration maxDelay,
    Optional<Integer> maxRetries,
    Duration stableRun) {

  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(5);
  public static final Duration DEFAULT_STABLE_RUN = Duration.ofMinutes(10);

  /** The policy a spec asks for, with the CRD's defaults for what it leaves out. */
  public static RestartPolicy of(RestartPolicySpec spec) {
    RestartPolicySpec s = spec != null ? spec : new RestartPolicySpec();
    BackoffSpec backoff = s.getBackoff() != null ? s.getBackoff() : new BackoffSpec();
    return new RestartPolicy(
        s.getType() != null ? s.getType() : RestartPolicyType.Always,
        duration(backoff.getInitialDelay(), DEFAULT_INITIAL_DELAY),
        duration(backoff.getMaxDelay(), DEFAULT_MAX_DELAY),
        Optional.ofNullable(s.getMaxRetries()),
        duration(s.getStableRunDuration(), DEFAULT_STABLE_RUN));
  }

  /** Whether a driver that stopped on its own ({@code failed} or with exit 0) is started again. */
  public boolean restartsAfter(boolean failed) {
    return switch (type) {
      case Always -> true;
      case OnFailure -> failed;
      case Never -> false;
    };
  }

  /** Whether another restart is allowed after {@code restarts} restarts in a row. */
  public boolean budgetLeft(int restarts) {
    return maxRetries.map(max -> restarts < max).orElse(true);
  }

  /**
   * The delay before restart number {@code restarts + 1}: initial, doubled per earlier restart, at
   * most max.
   */
  public Duration delay(int restarts) {
    Duration delay = initialDelay;
    for (int i = 0; i < restarts && delay.compareTo(maxDelay) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }

  private static Duration duration(String text, Duration fallback) {
    return text == null ? fallback : Durations.parse(text);
  }
}
