package dev.insight.streaming.operator.testing;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;

/** Reads a pipeline's status from the API server and waits for its conditions. */
public final class PipelineStatus {

  private PipelineStatus() {}

  /** A condition that prints what it says, so a timed-out wait shows what was last seen. */
  private record Seen(Condition condition) {
    @Override
    public String toString() {
      return condition.getType()
          + "="
          + condition.getStatus()
          + " ("
          + condition.getReason()
          + "): "
          + condition.getMessage();
    }
  }

  public static StreamingPipeline get(KubernetesClient client, String namespace, String name) {
    return client.resources(StreamingPipeline.class).inNamespace(namespace).withName(name).get();
  }

  /** The condition as stored now, if any. */
  public static Optional<Condition> condition(
      KubernetesClient client, String namespace, String name, String type) {
    StreamingPipeline pipeline = get(client, namespace, name);
    return pipeline == null || pipeline.getStatus() == null
        ? Optional.empty()
        : pipeline.getStatus().condition(type);
  }

  /**
   * Waits up to {@code timeout} for the condition to have {@code status} and {@code reason};
   * returns it.
   */
  public static Condition await(
      KubernetesClient client,
      StreamingPipeline pipeline,
      String type,
      String status,
      String reason,
      Duration timeout) {
    String namespace = pipeline.getMetadata().getNamespace();
    String name = pipeline.getMetadata().getName();
    return org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .alias(namespace + "/" + name + " " + type + "=" + status + " (" + reason + ")")
        .until(
            () -> condition(client, namespace, name, type).map(Seen::new).orElse(null),
            seen ->
                seen != null
                    && status.equals(seen.condition.getStatus())
                    && reason.equals(seen.condition.getReason()))
        .condition;
  }
}
