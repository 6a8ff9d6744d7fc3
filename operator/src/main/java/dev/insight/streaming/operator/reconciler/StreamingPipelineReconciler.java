package dev.insight.streaming.operator.reconciler;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.secrets.SecretWatch;
import dev.insight.streaming.operator.status.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The reconcile loop: check the spec, then run each step (topics, sinks, driver) in order; once one is not ready the
 * later ones only do what must happen regardless (stopping a suspended driver). Every result goes through the one
 * status writer. Deletion runs each step's cleanup.
 */
public final class StreamingPipelineReconciler implements Reconciler<StreamingPipeline>, Cleaner<StreamingPipeline> {

  /** How often a ready pipeline is looked at again when nothing happens (drift of topics, sinks). */
  static final Duration RESYNC = Duration.ofMinutes(2);

  private final Function<StreamingPipeline, List<String>> specProblems;
  private final List<PipelineStep> steps;
  private final StatusWriter statusWriter;

  /**
   * @param specProblems the reconcile-time spec checks: every problem, each naming its field path
   * @param steps the concerns, in reconcile order
   * @param statusWriter the one writer of status
   */
  public StreamingPipelineReconciler(Function<StreamingPipeline, List<String>> specProblems, List<PipelineStep> steps,
      StatusWriter statusWriter) {
    this.specProblems = specProblems;
    this.steps = List.copyOf(steps);
    this.statusWriter = statusWriter;
  }

  @Override
  public UpdateControl<StreamingPipeline> reconcile(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    List<String> problems = specProblems.apply(pipeline);
    if (!problems.isEmpty()) {
      // Nothing outside the cluster is touched for an invalid spec; the user fixes it and a new generation comes.
      statusWriter.update(pipeline, editor -> editor.specInvalid(String.join("; ", problems)));
      return UpdateControl.noUpdate();
    }
    Duration next = RESYNC;
    StreamingPipeline current = statusWriter.update(pipeline, editor -> editor.specValid());
    boolean blocked = false;
    for (PipelineStep step : steps) {
      Optional<StepOutcome> result = blocked ? step.reconcileWhileBlocked(current, context)
          : Optional.of(step.reconcile(current, context));
      if (result.isEmpty()) {
        continue;
      }
      StepOutcome outcome = result.get();
      current = statusWriter.update(current, editor -> {
        editor.condition(step.condition(), outcome.ready() ? Conditions.TRUE : Conditions.FALSE, outcome.reason(),
            outcome.message());
        outcome.details().accept(editor);
      });
      next = shorter(next, outcome.recheckAfter());
      blocked = blocked || !outcome.ready();
    }
    return UpdateControl.<StreamingPipeline>noUpdate().rescheduleAfter(next);
  }

  @Override
  public List<EventSource<?, StreamingPipeline>> prepareEventSources(EventSourceContext<StreamingPipeline> context) {
    List<EventSource<?, StreamingPipeline>> sources = new ArrayList<>();
    sources.add(SecretWatch.events(context));
    steps.forEach(step -> sources.addAll(step.eventSources(context)));
    return sources;
  }

  @Override
  public DeleteControl cleanup(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    Optional<Duration> retry = Optional.empty();
    for (PipelineStep step : reversed(steps)) {
      CleanupOutcome outcome = step.cleanup(pipeline, context);
      if (!outcome.finished()) {
        retry = Optional.of(shorter(retry.orElse(RESYNC), outcome.retryAfter()));
      }
    }
    return retry.map(delay -> DeleteControl.noFinalizerRemoval().rescheduleAfter(delay))
        .orElseGet(DeleteControl::defaultDelete);
  }

  private static List<PipelineStep> reversed(List<PipelineStep> list) {
    List<PipelineStep> copy = new ArrayList<>(list);
    Collections.reverse(copy);
    return copy;
  }

  private static Duration shorter(Duration a, Optional<Duration> b) {
    return b.filter(d -> d.compareTo(a) < 0).orElse(a);
  }
}
