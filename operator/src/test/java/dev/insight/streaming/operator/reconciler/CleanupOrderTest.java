package dev.insight.streaming.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.StreamingPipeline;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deletion undoes the steps in reverse order, each only after the later ones have finished: the
 * topics outlive the driver that reads them until it has stopped.
 */
class CleanupOrderTest {

  private final List<String> cleaned = new ArrayList<>();

  /** A step whose cleanup is finished once it has been asked {@code rounds} times. */
  private PipelineStep step(String name, int rounds) {
    int[] asked = {0};
    return new PipelineStep() {
      @Override
      public String condition() {
        return name;
      }

      @Override
      public StepOutcome reconcile(StreamingPipeline p, Context<StreamingPipeline> c) {
        throw new AssertionError("not reconciled here");
      }

      @Override
      public CleanupOutcome cleanup(StreamingPipeline p, Context<StreamingPipeline> c) {
        cleaned.add(name);
        return ++asked[0] >= rounds
            ? CleanupOutcome.done()
            : CleanupOutcome.retryAfter(Duration.ofSeconds(2));
      }
    };
  }

  @Test
  void theTopicsAreCleanedOnlyAfterTheDriverHasStopped() {
    StreamingPipelineReconciler reconciler =
        new StreamingPipelineReconciler(
            p -> List.of(),
            List.of(step("topics", 1), step("sinks", 1), step("driver", 3)),
            null,
            Clock.systemUTC());
    StreamingPipeline pipeline = new StreamingPipeline();

    DeleteControl first = reconciler.cleanup(pipeline, null);
    assertThat(first.isRemoveFinalizer()).isFalse();
    assertThat(first.getScheduleDelay()).contains(2000L);
    assertThat(cleaned).containsExactly("driver");

    reconciler.cleanup(pipeline, null);
    assertThat(cleaned).containsExactly("driver", "driver");

    DeleteControl last = reconciler.cleanup(pipeline, null);
    assertThat(cleaned).containsExactly("driver", "driver", "driver", "sinks", "topics");
    assertThat(last.isRemoveFinalizer()).isTrue();
  }
}
