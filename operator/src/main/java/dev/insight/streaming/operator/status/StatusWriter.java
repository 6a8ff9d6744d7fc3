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
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way status is written, shared by the reconciler and the lag monitor: a change is applied
 * to a copy of the latest status, Ready and the phase are derived, and the status subresource is
 * written only when something changed, guarded by resourceVersion and retried on a 409 against a
 * fresh read, so no writer loses another's update. An Event is recorded for each condition whose
 * status or reason changed.
 */
public final class StatusWriter {

  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private static final int CONFLICT_RETRIES = 5;

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;
  private final EventRecorder events;
  private final PhaseRule phaseRule;
  private final Clock clock;

  public StatusWriter(
      KubernetesClient client, EventRecorder events, PhaseRule phaseRule, Clock clock) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
    this.events = events;
    this.phaseRule = phaseRule;
    this.clock = clock;
  }

  /**
   * Applies {@code change} to the status of {@code pipeline} (as given, then as re-read after a
   * conflict) and writes it if it differs. Returns the pipeline as stored afterwards, or {@code
   * pipeline} itself when nothing changed. Throws the API server's error when it is neither written
   * nor a conflict, or when conflicts persist. For writers outside a reconcile (the lag monitor).
   */
  public StreamingPipeline update(StreamingPipeline pipeline, Consumer<StatusEditor> change) {
    StreamingPipeline current = pipeline;
    for (int attempt = 1; ; attempt++) {
      Edit edit = edit(current, change);
      if (edit.unchanged()) {
        return current;
      }
      try {
        StreamingPipeline written =
            client
                .resources(StreamingPipeline.class)
                .inNamespace(current.getMetadata().getNamespace())
                .resource(edit.updated())
                .updateStatus();
        recordTransitions(written, edit.before(), edit.updated().getStatus());
        return written;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_RETRIES) {
          throw e;
        }
        LOG.debug(
            "status of {}/{} changed meanwhile, re-reading (attempt {})",
            current.getMetadata().getNamespace(),
            current.getMetadata().getName(),
            attempt);
        StreamingPipeline fresh =
            client
                .resources(StreamingPipeline.class)
                .inNamespace(current.getMetadata().getNamespace())
                .withName(current.getMetadata().getName())
                .get();
        if (fresh == null) {
          return current;
        }
        current = fresh;
      }
    }
  }

  /**
   * The reconciler's one status write per reconcile, through JOSDK's cache-aware update: guarded by
   * resourceVersion, on a conflict {@code change} is applied again to the latest pipeline JOSDK's
   * cache holds, and the written pipeline goes into that cache so the next reconcile starts from
   * it, never from a copy older than its own last write. Returns the pipeline as stored afterwards,
   * or {@code pipeline} itself when nothing changed.
   */
  public StreamingPipeline update(
      StreamingPipeline pipeline,
      Consumer<StatusEditor> change,
      Context<StreamingPipeline> context) {
    Edit first = edit(pipeline, change);
    if (first.unchanged()) {
      return pipeline;
    }
    AtomicReference<Edit> last = new AtomicReference<>();
    StreamingPipeline written =
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            pipeline,
            context,
            latest -> {
              // the first attempt writes the edit already made; after a conflict the change is
              // applied to the latest copy
              Edit edit = latest == pipeline && last.get() == null ? first : edit(latest, change);
              last.set(edit);
              return edit.updated();
            });
    recordTransitions(written, last.get().before(), last.get().updated().getStatus());
    return written;
  }

  /**
   * One change applied to a copy of a pipeline's status: the status before, and the pipeline to
   * write.
   */
  private record Edit(
      StreamingPipelineStatus before, boolean unchanged, StreamingPipeline updated) {}

  private Edit edit(StreamingPipeline current, Consumer<StatusEditor> change) {
    StreamingPipelineStatus before =
        current.getStatus() == null ? new StreamingPipelineStatus() : current.getStatus();
    // one serialization of the old status serves both the working copy and the comparison
    String beforeJson = serialization.asJson(before);
    StreamingPipelineStatus after =
        serialization.unmarshal(beforeJson, StreamingPipelineStatus.class);
    StatusEditor editor = new StatusEditor(after, current.getMetadata().getGeneration(), clock);
    change.accept(editor);
    phaseRule.apply(current, editor);
    boolean unchanged =
        current.getStatus() != null && beforeJson.equals(serialization.asJson(after));
    // the status subresource takes the object as stored (metadata with its resourceVersion, spec)
    // plus the new
    // status; the cached object itself is never modified
    StreamingPipeline updated = new StreamingPipeline();
    updated.setMetadata(new ObjectMetaBuilder(current.getMetadata()).build());
    updated.setSpec(current.getSpec());
    updated.setStatus(after);
    return new Edit(before, unchanged, updated);
  }

  private void recordTransitions(
      StreamingPipeline pipeline, StreamingPipelineStatus before, StreamingPipelineStatus after) {
    Map<String, Condition> old =
        before.getConditions() == null
            ? Map.of()
            : before.getConditions().stream()
                .collect(Collectors.toMap(Condition::getType, Function.identity(), (a, b) -> a));
    for (Condition now : after.getConditions()) {
      Condition was = old.get(now.getType());
      boolean changed =
          was == null
              || !Objects.equals(was.getStatus(), now.getStatus())
              || !Objects.equals(was.getReason(), now.getReason());
      if (!changed) {
        continue;
      }
      Reason reason = Reason.fromValue(now.getReason()).orElse(Reason.PROVISIONING);
      boolean good =
          Conditions.TRUE.equals(now.getStatus())
              || reason == Reason.PROVISIONING
              || reason == Reason.DRIVER_STARTING
              || reason == Reason.SUSPENDED;
      events.record(
          pipeline,
          good ? EventRecorder.Type.Normal : EventRecorder.Type.Warning,
          reason,
          now.getType() + " is " + now.getStatus() + ": " + now.getMessage());
    }
  }
}
