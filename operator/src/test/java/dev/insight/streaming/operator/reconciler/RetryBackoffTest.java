package dev.insight.streaming.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.status.Condition;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The wait before retrying a failing step grows with how long it has been failing, within bounds.
 */
class RetryBackoffTest {

  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  static Condition failingSince(String time) {
    return new Condition(
        Conditions.TOPICS_READY, Conditions.FALSE, "KafkaUnavailable", "down", time, 1L);
  }

  @Test
  void aFreshFailureWaitsTheMinimum() {
    assertThat(RetryBackoff.next(null, NOW)).isEqualTo(RetryBackoff.MIN);
    assertThat(RetryBackoff.next(failingSince("2026-01-01T11:59:59Z"), NOW))
        .isEqualTo(RetryBackoff.MIN);
    assertThat(
            RetryBackoff.next(
                new Condition(
                    Conditions.TOPICS_READY,
                    Conditions.TRUE,
                    "Ready",
                    "ok",
                    "2026-01-01T00:00:00Z",
                    1L),
                NOW))
        .isEqualTo(RetryBackoff.MIN);
  }

  @Test
  void aLongerFailureWaitsAsLongAsItHasFailedUpToTheMaximum() {
    assertThat(RetryBackoff.next(failingSince("2026-01-01T11:59:20Z"), NOW))
        .isEqualTo(Duration.ofSeconds(40));
    assertThat(RetryBackoff.next(failingSince("2026-01-01T09:00:00Z"), NOW))
        .isEqualTo(RetryBackoff.MAX);
  }
}
