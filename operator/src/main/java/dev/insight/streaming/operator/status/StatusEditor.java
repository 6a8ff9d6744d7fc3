package dev.insight.streaming.operator.status;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipelineStatus;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.secrets.Redaction;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Objects;

/**
 * A change to one pipeline's status, made on a copy: conditions keep their lastTransitionTime
 * unless their status flips, and whether the spec is valid is stated explicitly (or left as it
 * was).
 */
public final class StatusEditor {

  /** What the editor says about the spec: nothing (keep what status says), valid, or invalid. */
  enum SpecVerdict {
    UNCHANGED,
    VALID,
    INVALID
  }

  private final StreamingPipelineStatus status;
  private final Long generation;
  private final Clock clock;
  private SpecVerdict specVerdict = SpecVerdict.UNCHANGED;
  private String specProblems;
  private String reconcileFailure;

  StatusEditor(StreamingPipelineStatus status, Long generation, Clock clock) {
    this.status = status;
    this.generation = generation;
    this.clock = clock;
    if (status.getConditions() == null) {
      status.setConditions(new ArrayList<>());
    }
  }

  /** The status being edited, for its driver, topics and lag sections. */
  public StreamingPipelineStatus status() {
    return status;
  }

  /** Sets a condition; its lastTransitionTime moves only when its status changes. */
  public StatusEditor condition(
      String type, String conditionStatus, Conditions.Reason reason, String message) {
    Objects.requireNonNull(reason, "reason");
    // every message that reaches a condition passes the scrubber, whatever step or monitor wrote it
    message = Redaction.scrub(message);
    Condition existing = status.condition(type).orElse(null);
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    if (existing == null) {
      status
          .getConditions()
          .add(new Condition(type, conditionStatus, reason.value(), message, now, generation));
      return this;
    }
    if (!conditionStatus.equals(existing.getStatus())) {
      existing.setLastTransitionTime(now);
    }
    existing.setStatus(conditionStatus);
    existing.setReason(reason.value());
    existing.setMessage(message);
    existing.setObservedGeneration(generation);
    return this;
  }

  /** Shorthand for a True condition. */
  public StatusEditor ready(String type, Conditions.Reason reason, String message) {
    return condition(type, Conditions.TRUE, reason, message);
  }

  /** Shorthand for a False condition. */
  public StatusEditor notReady(String type, Conditions.Reason reason, String message) {
    return condition(type, Conditions.FALSE, reason, message);
  }

  /** The spec passed the reconcile-time checks; records the generation the status now reflects. */
  public StatusEditor specValid() {
    specVerdict = SpecVerdict.VALID;
    specProblems = null;
    status.setObservedGeneration(generation);
    return this;
  }

  /** The spec failed the reconcile-time checks; {@code problems} names every field. */
  public StatusEditor specInvalid(String problems) {
    specVerdict = SpecVerdict.INVALID;
    specProblems = Redaction.scrub(problems);
    status.setObservedGeneration(generation);
    return this;
  }

  /**
   * The last reconcile failed with {@code message} before any step could report it; Ready says so
   * until one succeeds.
   */
  public StatusEditor reconcileFailed(String message) {
    reconcileFailure = Redaction.scrub(message);
    return this;
  }

  String reconcileFailure() {
    return reconcileFailure;
  }

  SpecVerdict specVerdict() {
    return specVerdict;
  }

  String specProblems() {
    return specProblems;
  }
}
