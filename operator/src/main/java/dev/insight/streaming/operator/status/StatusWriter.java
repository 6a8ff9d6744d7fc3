package dev.insight.streaming.operator.status;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineStatus;
import dev.insight.streaming.operator.api.status.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way status is written, shared by the reconciler and the lag monitor: a change is applied to a copy of the
 * latest status, Ready and the phase are derived, and the status subresource is written only when something
 * changed, guarded by resourceVersion and retried on a 409 against a fresh read, so no writer loses another's
 * update. An Event is recorded for each condition whose status or reason changed.
 */
public final class StatusWriter {

  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private static final int CONFLICT_RETRIES = 5;

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;
  private final EventRecorder events;
  private final PhaseRule phaseRule;
  private final Clock clock;

  public StatusWriter(KubernetesClient client, EventRecorder events, PhaseRule phaseRule, Clock clock) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
    this.events = events;
    this.phaseRule = phaseRule;
    this.clock = clock;
  }

  /**
   * Applies {@code change} to the status of {@code pipeline} (as given, then as re-read after a conflict) and writes
   * it if it differs. Returns the pipeline as stored afterwards, or {@code pipeline} itself when nothing changed.
   * Throws the API server's error when it is neither written nor a conflict, or when conflicts persist.
   */
  public StreamingPipeline update(StreamingPipeline pipeline, Consumer<StatusEditor> change) {
    StreamingPipeline current = pipeline;
    for (int attempt = 1; ; attempt++) {
      StreamingPipelineStatus before = current.getStatus() == null ? new StreamingPipelineStatus()
          : current.getStatus();
      // one serialization of the old status serves both the working copy and the comparison
      String beforeJson = serialization.asJson(before);
      StreamingPipelineStatus after = serialization.unmarshal(beforeJson, StreamingPipelineStatus.class);
      StatusEditor editor = new StatusEditor(after, current.getMetadata().getGeneration(), clock);
      change.accept(editor);
      phaseRule.apply(current, editor);
      if (current.getStatus() != null && beforeJson.equals(serialization.asJson(after))) {
        return current;
      }
      // the status subresource takes the object as stored (metadata with its resourceVersion, spec) plus the new
      // status; the cached object itself is never modified
      StreamingPipeline updated = new StreamingPipeline();
      updated.setMetadata(new ObjectMetaBuilder(current.getMetadata()).build());
      updated.setSpec(current.getSpec());
      updated.setStatus(after);
      try {
        StreamingPipeline written = client.resources(StreamingPipeline.class)
            .inNamespace(current.getMetadata().getNamespace())
            .resource(updated)
            .updateStatus();
        recordTransitions(written, before, after);
        return written;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_RETRIES) {
          throw e;
        }
        LOG.debug("status of {}/{} changed meanwhile, re-reading (attempt {})",
            current.getMetadata().getNamespace(), current.getMetadata().getName(), attempt);
        StreamingPipeline fresh = client.resources(StreamingPipeline.class)
            .inNamespace(current.getMetadata().getNamespace())
            .withName(current.getMetadata().getName()).get();
        if (fresh == null) {
          return current;
        }
        current = fresh;
      }
    }
  }

  private void recordTransitions(StreamingPipeline pipeline, StreamingPipelineStatus before,
      StreamingPipelineStatus after) {
    Map<String, Condition> old = before.getConditions() == null ? Map.of()
        : before.getConditions().stream().collect(Collectors.toMap(Condition::getType, Function.identity(), (a, b) -> a));
    for (Condition now : after.getConditions()) {
      Condition was = old.get(now.getType());
      boolean changed = was == null || !Objects.equals(was.getStatus(), now.getStatus())
          || !Objects.equals(was.getReason(), now.getReason());
      if (!changed) {
        continue;
      }
      Reason reason = Reason.fromValue(now.getReason()).orElse(Reason.PROVISIONING);
      boolean good = Conditions.TRUE.equals(now.getStatus()) || reason == Reason.PROVISIONING
          || reason == Reason.DRIVER_STARTING || reason == Reason.SUSPENDED;
      events.record(pipeline, good ? EventRecorder.Type.Normal : EventRecorder.Type.Warning, reason,
          now.getType() + " is " + now.getStatus() + ": " + now.getMessage());
    }
  }

}
