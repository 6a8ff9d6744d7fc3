package dev.insight.streaming.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineStatus;
import dev.insight.streaming.operator.api.status.Phase;
import dev.insight.streaming.operator.testing.TestPipelines;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Ready and the phase, derived from the other conditions. */
class PhaseRuleTest {

  final PhaseRule rule = new PhaseRule(List.of(Conditions.TOPICS_READY, Conditions.SINKS_READY));
  final StreamingPipeline pipeline =
      TestPipelines.withMongo(TestPipelines.pipeline("ns", "p", "kafka:9092"));
  final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  StreamingPipelineStatus apply(StreamingPipelineStatus status, Consumer<StatusEditor> change) {
    StatusEditor editor = new StatusEditor(status, 1L, clock);
    change.accept(editor);
    rule.apply(pipeline, editor);
    return editor.status();
  }

  @Test
  void nothingObservedIsPending() {
    StreamingPipelineStatus status = apply(new StreamingPipelineStatus(), e -> e.specValid());
    assertThat(status.getPhase()).isEqualTo(Phase.Pending);
    assertThat(status.condition(Conditions.READY).orElseThrow().getReason())
        .isEqualTo("Provisioning");
  }

  @Test
  void everyReadinessConditionTrueIsRunningAndReady() {
    StreamingPipelineStatus status =
        apply(
            new StreamingPipelineStatus(),
            e ->
                e.specValid()
                    .ready(Conditions.TOPICS_READY, Reason.READY, "t")
                    .ready(Conditions.SINKS_READY, Reason.READY, "s"));
    assertThat(status.getPhase()).isEqualTo(Phase.Running);
    assertThat(status.condition(Conditions.READY).orElseThrow().isTrue()).isTrue();
  }

  @Test
  void aFailingConditionBeforeRunningIsProvisioningAndAfterItDegraded() {
    StreamingPipelineStatus first =
        apply(
            new StreamingPipelineStatus(),
            e -> e.specValid().notReady(Conditions.TOPICS_READY, Reason.KAFKA_UNAVAILABLE, "down"));
    assertThat(first.getPhase()).isEqualTo(Phase.Provisioning);
    assertThat(first.condition(Conditions.READY).orElseThrow().getReason())
        .isEqualTo("KafkaUnavailable");

    StreamingPipelineStatus running =
        apply(
            new StreamingPipelineStatus(),
            e ->
                e.specValid()
                    .ready(Conditions.TOPICS_READY, Reason.READY, "t")
                    .ready(Conditions.SINKS_READY, Reason.READY, "s"));
    StreamingPipelineStatus degraded =
        apply(
            running,
            e -> e.notReady(Conditions.SINKS_READY, Reason.SINK_UNREACHABLE, "store down"));
    assertThat(degraded.getPhase()).isEqualTo(Phase.Degraded);
    assertThat(degraded.condition(Conditions.READY).orElseThrow().getMessage())
        .contains("store down");
  }

  @Test
  void anInvalidSpecIsNotReadyWithTheProblemsUntilItIsValidAgain() {
    StreamingPipelineStatus invalid =
        apply(
            new StreamingPipelineStatus(),
            e -> e.specInvalid("spec.job.sparkConf: spark.master is set by the operator"));
    assertThat(invalid.condition(Conditions.READY).orElseThrow().getReason())
        .isEqualTo("InvalidSpec");
    assertThat(invalid.condition(Conditions.READY).orElseThrow().getMessage())
        .contains("spec.job.sparkConf");

    StreamingPipelineStatus untouched = apply(invalid, e -> {});
    assertThat(untouched.condition(Conditions.READY).orElseThrow().getReason())
        .isEqualTo("InvalidSpec");

    StreamingPipelineStatus valid =
        apply(
            untouched,
            e ->
                e.specValid()
                    .ready(Conditions.TOPICS_READY, Reason.READY, "t")
                    .ready(Conditions.SINKS_READY, Reason.READY, "s"));
    assertThat(valid.condition(Conditions.READY).orElseThrow().isTrue()).isTrue();
  }
}
