package dev.insight.streaming.operator.reconciler;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.secrets.SecretWatch;
import dev.insight.streaming.operator.status.StatusEditor;
import dev.insight.streaming.operator.status.StatusWriter;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop: check the spec, then run each step (topics, sinks, driver) in order; once one
 * is not ready the later ones only do what must happen regardless (stopping a suspended driver).
 * What the steps found is written to status once, at the end, through the one status writer.
 * Deletion runs each step's cleanup, in reverse order, each after the later ones have finished.
 */
public final class StreamingPipelineReconciler
    implements Reconciler<StreamingPipeline>, Cleaner<StreamingPipeline> {

  /**
   * How often a ready pipeline is looked at again when nothing happens (drift of topics, sinks).
   */
  static final Duration RESYNC = Duration.ofMinutes(2);

  private static final Logger LOG = LoggerFactory.getLogger(StreamingPipelineReconciler.class);

  private final Function<StreamingPipeline, List<String>> specProblems;
  private final List<PipelineStep> steps;
  private final StatusWriter statusWriter;
  private final Clock clock;
  private volatile IndexerResourceCache<StreamingPipeline> primaryCache;

  /**
   * @param specProblems the reconcile-time spec checks: every problem, each naming its field path
   * @param steps the concerns, in reconcile order
   * @param statusWriter the one writer of status
   * @param clock for the backoff of a step the Kubernetes API refused
   */
  public StreamingPipelineReconciler(
      Function<StreamingPipeline, List<String>> specProblems,
      List<PipelineStep> steps,
      StatusWriter statusWriter,
      Clock clock) {
    this.specProblems = specProblems;
    this.steps = List.copyOf(steps);
    this.statusWriter = statusWriter;
    this.clock = clock;
  }

  @Override
  public UpdateControl<StreamingPipeline> reconcile(
      StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    List<String> problems = specProblems.apply(pipeline);
    if (!problems.isEmpty()) {
      // Nothing outside the cluster is touched for an invalid spec; the user fixes it and a new
      // generation comes.
      statusWriter.update(
          pipeline, editor -> editor.specInvalid(String.join("; ", problems)), context);
      return UpdateControl.noUpdate();
    }
    Duration next = RESYNC;
    // every step's finding goes into one status write at the end
    Consumer<StatusEditor> findings = StatusEditor::specValid;
    boolean blocked = false;
    for (PipelineStep step : steps) {
      Optional<StepOutcome> result = outcome(step, pipeline, context, blocked);
      if (result.isEmpty()) {
        continue;
      }
      StepOutcome outcome = result.get();
      findings =
          findings.andThen(
              editor -> {
                editor.condition(
                    step.condition(),
                    outcome.ready() ? Conditions.TRUE : Conditions.FALSE,
                    outcome.reason(),
                    outcome.message());
                outcome.details().accept(editor);
              });
      next = shorter(next, outcome.recheckAfter());
      blocked = blocked || !outcome.ready();
    }
    statusWriter.update(pipeline, findings, context);
    return UpdateControl.<StreamingPipeline>noUpdate().rescheduleAfter(next);
  }

  /**
   * What one step found. When the Kubernetes API refuses a request the step needs (a ResourceQuota,
   * an admission rule), the server's own words become the step's condition and the step is tried
   * again with backoff.
   */
  private Optional<StepOutcome> outcome(
      PipelineStep step,
      StreamingPipeline pipeline,
      Context<StreamingPipeline> context,
      boolean blocked) {
    try {
      return blocked
          ? step.reconcileWhileBlocked(pipeline, context)
          : Optional.of(step.reconcile(pipeline, context));
    } catch (KubernetesClientException e) {
      LOG.warn(
          "{} of {}/{}: the Kubernetes API refused a request: {}",
          step.condition(),
          pipeline.getMetadata().getNamespace(),
          pipeline.getMetadata().getName(),
          serverMessage(e));
      return Optional.of(
          StepOutcome.notReady(
              Reason.KUBERNETES_API_ERROR,
              "the Kubernetes API refused a request: " + serverMessage(e),
              RetryBackoff.next(pipeline, step.condition(), clock)));
    }
  }

  /**
   * Anything a reconcile threw that no step reported (a refused status write, a bug) is said in
   * Ready, and JOSDK retries the reconcile with backoff, without a limit (see PipelineOperator).
   */
  @Override
  public ErrorStatusUpdateControl<StreamingPipeline> updateErrorStatus(
      StreamingPipeline pipeline, Context<StreamingPipeline> context, Exception e) {
    String message =
        e instanceof KubernetesClientException k
            ? "the Kubernetes API refused a request: " + serverMessage(k)
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    try {
      statusWriter.update(pipeline, editor -> editor.reconcileFailed(message), context);
    } catch (RuntimeException writeFailed) {
      LOG.warn(
          "cannot write the failed reconcile of {}/{} into status: {}",
          pipeline.getMetadata().getNamespace(),
          pipeline.getMetadata().getName(),
          writeFailed.getMessage());
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** The API server's message (its Status), without the client's wrapping of method and URL. */
  static String serverMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  /**
   * Every pipeline in the controller's primary cache (the informer JOSDK reconciles from), for
   * readers beside the reconcile loop such as the lag monitor; empty until the controller is
   * registered. The objects are the cache's own: read them, never change them.
   */
  public Collection<StreamingPipeline> cachedPipelines() {
    IndexerResourceCache<StreamingPipeline> cache = primaryCache;
    return cache == null ? List.of() : cache.list().toList();
  }

  @Override
  public List<EventSource<?, StreamingPipeline>> prepareEventSources(
      EventSourceContext<StreamingPipeline> context) {
    primaryCache = context.getPrimaryCache();
    List<EventSource<?, StreamingPipeline>> sources = new ArrayList<>();
    sources.add(SecretWatch.events(context));
    steps.forEach(step -> sources.addAll(step.eventSources(context)));
    return sources;
  }

  /**
   * The steps' cleanups in reverse order, each only once those after it have finished: the driver
   * stops (storing its offsets) before the topics it reads and writes dead letters to are deleted,
   * so a draining driver can neither fail on a vanished topic nor have the broker create it again.
   */
  @Override
  public DeleteControl cleanup(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    for (PipelineStep step : reversed(steps)) {
      CleanupOutcome outcome = step.cleanup(pipeline, context);
      if (!outcome.finished()) {
        return DeleteControl.noFinalizerRemoval()
            .rescheduleAfter(shorter(RESYNC, outcome.retryAfter()));
      }
    }
    return DeleteControl.defaultDelete();
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
