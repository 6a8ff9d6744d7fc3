package dev.insight.streaming.operator.reconciler;

import dev.insight.streaming.operator.api.StreamingPipeline;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.List;
import java.util.Optional;

/**
 * One concern of a pipeline (topics, sinks, driver): it observes the outside world, acts to bring
 * it to the spec, and reports the condition it owns. Steps run in order; a step that is not ready
 * stops the ones after it.
 */
public interface PipelineStep {

  /** The condition type this step reports, e.g. {@code TopicsReady}. */
  String condition();

  /**
   * Brings this concern to the spec. Expected outside failures (a broker down, a missing Secret)
   * are outcomes, not exceptions; an exception means a bug or an API-server failure and is retried
   * by the framework.
   */
  StepOutcome reconcile(StreamingPipeline pipeline, Context<StreamingPipeline> context);

  /**
   * Runs when an earlier step is not ready. Most steps wait (empty); a step that must act
   * regardless, such as stopping the driver of a suspended pipeline while Kafka is down, returns
   * its outcome.
   */
  default Optional<StepOutcome> reconcileWhileBlocked(
      StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    return Optional.empty();
  }

  /**
   * Watches on the objects this step owns, so their changes trigger a reconcile (e.g. the driver
   * pod's phase).
   */
  default List<EventSource<?, StreamingPipeline>> eventSources(
      EventSourceContext<StreamingPipeline> context) {
    return List.of();
  }

  /** Undoes what owner references cannot, when the pipeline is deleted. */
  default CleanupOutcome cleanup(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    return CleanupOutcome.done();
  }
}
