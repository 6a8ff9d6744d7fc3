package dev.insight.streaming.operator.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.spec.BackoffSpec;
import dev.insight.streaming.operator.api.spec.RestartPolicySpec;
import dev.insight.streaming.operator.api.spec.RestartPolicyType;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

  @Test
  void defaultsAreTenSecondsDoublingToFiveMinutesUnlimitedAlways() {
    RestartPolicy policy = RestartPolicy.of(null);
    assertThat(policy.type()).isEqualTo(RestartPolicyType.Always);
    assertThat(IntStream.range(0, 8).mapToObj(policy::delay).map(Duration::toSeconds).toList())
        .containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
    assertThat(policy.delay(10_000)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.budgetLeft(1_000_000)).isTrue();
    assertThat(policy.stableRun()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void backoffAndBudgetComeFromTheSpec() {
    RestartPolicySpec spec = new RestartPolicySpec();
    BackoffSpec backoff = new BackoffSpec();
    backoff.setInitialDelay("500ms");
    backoff.setMaxDelay("3s");
    spec.setBackoff(backoff);
    spec.setMaxRetries(2);
    spec.setStableRunDuration("1m30s");
    RestartPolicy policy = RestartPolicy.of(spec);
    assertThat(IntStream.range(0, 5).mapToObj(policy::delay).map(Duration::toMillis).toList())
        .containsExactly(500L, 1000L, 2000L, 3000L, 3000L);
    assertThat(policy.budgetLeft(1)).isTrue();
    assertThat(policy.budgetLeft(2)).isFalse();
    assertThat(policy.stableRun()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void whichExitsRestart() {
    RestartPolicySpec spec = new RestartPolicySpec();
    spec.setType(RestartPolicyType.OnFailure);
    assertThat(RestartPolicy.of(spec).restartsAfter(true)).isTrue();
    assertThat(RestartPolicy.of(spec).restartsAfter(false)).isFalse();
    spec.setType(RestartPolicyType.Always);
    assertThat(RestartPolicy.of(spec).restartsAfter(false)).isTrue();
    spec.setType(RestartPolicyType.Never);
    assertThat(RestartPolicy.of(spec).restartsAfter(true)).isFalse();
  }
}
