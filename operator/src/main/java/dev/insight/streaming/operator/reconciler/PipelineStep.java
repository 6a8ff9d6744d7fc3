package dev.insight.streaming.operator.reconciler;

import dev.insight.streaming.operator.api.StreamingPipeline;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * One concern of a pipeline (topics, sinks, driver): it observes the outside world, acts to bring it to the spec,
 * and reports the condition it owns. Steps run in order; a step that is not ready stops the ones after it.
 */
public interface PipelineStep {

  /** The condition type this step reports, e.g. {@code TopicsReady}. */
  String condition();

  /**
   * Brings this concern to the spec. Expected outside failures (a broker down, a missing Secret) are outcomes, not
   * exceptions; an exception means a bug or an API-server failure and is retried by the framework.
   */
  StepOutcome reconcile(StreamingPipeline pipeline, Context<StreamingPipeline> context);

  /** Undoes what owner references cannot, when the pipeline is deleted. */
  default CleanupOutcome cleanup(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    return CleanupOutcome.done();
  }
}
