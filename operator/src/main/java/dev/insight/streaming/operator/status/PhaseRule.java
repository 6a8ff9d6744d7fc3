package dev.insight.streaming.operator.status;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineStatus;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.Phase;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Derives the Ready condition and the phase from the other conditions, in one place, so that every
 * writer of status (the reconciler, the lag monitor) agrees on them.
 */
public final class PhaseRule {

  private static final Set<String> DEGRADING_LAG =
      Set.of(
          Reason.LAG_STALLED.value(), Reason.OFFSETS_STOPPED.value(), Reason.LAG_UNKNOWN.value());

  private final List<String> readinessConditions;

  /**
   * {@code readinessConditions}: the condition types that must all be True for Ready, in reconcile
   * order.
   */
  public PhaseRule(List<String> readinessConditions) {
    this.readinessConditions = List.copyOf(readinessConditions);
  }

  void apply(StreamingPipeline pipeline, StatusEditor editor) {
    StreamingPipelineStatus status = editor.status();
    Phase before = status.getPhase();
    Optional<Condition> ready = status.condition(Conditions.READY);
    boolean invalid =
        switch (editor.specVerdict()) {
          case INVALID -> true;
          case VALID -> false;
          case UNCHANGED ->
              ready.map(c -> Reason.INVALID_SPEC.value().equals(c.getReason())).orElse(false);
        };
    if (invalid) {
      String problems =
          editor.specProblems() != null
              ? editor.specProblems()
              : ready.map(Condition::getMessage).orElse("the spec is invalid");
      editor.notReady(Conditions.READY, Reason.INVALID_SPEC, problems);
      setPhase(status, Phase.Pending, "Invalid spec: " + problems);
      return;
    }
    // a failed reconcile stays visible until a reconcile gets through its steps again (the spec
    // verdict VALID)
    String failure =
        editor.reconcileFailure() != null
            ? editor.reconcileFailure()
            : editor.specVerdict() == StatusEditor.SpecVerdict.UNCHANGED
                ? ready
                    .filter(c -> Reason.RECONCILE_ERROR.value().equals(c.getReason()))
                    .map(Condition::getMessage)
                    .orElse(null)
                : null;
    if (failure != null) {
      editor.notReady(Conditions.READY, Reason.RECONCILE_ERROR, failure);
      boolean wasUp = before == Phase.Running || before == Phase.Degraded;
      setPhase(status, wasUp ? Phase.Degraded : Phase.Provisioning, "Reconcile failed: " + failure);
      return;
    }
    Optional<Condition> driver = status.condition(Conditions.DRIVER_RUNNING);
    if (driver.map(c -> Reason.RETRIES_EXHAUSTED.value().equals(c.getReason())).orElse(false)) {
      editor.notReady(Conditions.READY, Reason.RETRIES_EXHAUSTED, driver.get().getMessage());
      setPhase(status, Phase.Failed, driver.get().getMessage());
      return;
    }
    if (Boolean.TRUE.equals(pipeline.getSpec().getSuspend())) {
      editor.notReady(
          Conditions.READY, Reason.SUSPENDED, "spec.suspend is true: the driver is stopped");
      setPhase(
          status,
          Phase.Suspended,
          "Suspended: the driver is stopped, topics, sinks and offsets are kept");
      return;
    }
    boolean nothingObserved =
        readinessConditions.stream().noneMatch(t -> status.condition(t).isPresent());
    if (nothingObserved) {
      editor.notReady(Conditions.READY, Reason.PROVISIONING, "waiting for the first reconcile");
      setPhase(status, Phase.Pending, "Pending: not reconciled yet");
      return;
    }
    String missing =
        readinessConditions.stream()
            .filter(t -> status.condition(t).map(c -> !c.isTrue()).orElse(true))
            .findFirst()
            .orElse(null);
    if (missing != null) {
      Condition blocking = status.condition(missing).orElse(null);
      String message =
          blocking == null ? missing + " not yet observed" : missing + ": " + blocking.getMessage();
      Reason reason =
          blocking == null
              ? Reason.PROVISIONING
              : Reason.fromValue(blocking.getReason()).orElse(Reason.PROVISIONING);
      editor.notReady(Conditions.READY, reason, message);
      boolean wasUp = before == Phase.Running || before == Phase.Degraded;
      setPhase(status, wasUp ? Phase.Degraded : Phase.Provisioning, message);
      return;
    }
    editor.ready(Conditions.READY, Reason.READY, "topics, sinks and driver are ready");
    Optional<Condition> lag = status.condition(Conditions.LAG_HEALTHY);
    if (lag.map(c -> !c.isTrue() && DEGRADING_LAG.contains(c.getReason())).orElse(false)) {
      setPhase(status, Phase.Degraded, "Degraded: " + lag.get().getMessage());
    } else {
      setPhase(status, Phase.Running, "Running");
    }
  }

  private static void setPhase(StreamingPipelineStatus status, Phase phase, String message) {
    status.setPhase(phase);
    status.setMessage(message);
  }
}
