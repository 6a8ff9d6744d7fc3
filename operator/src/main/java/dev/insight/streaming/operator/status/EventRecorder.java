package dev.insight.streaming.operator.status;

import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.secrets.Redaction;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on a pipeline, with reasons from the closed set in {@code
 * Conditions.Reason}. Messages come from conditions, which never hold secret values.
 */
public final class EventRecorder {

  /** Normal or Warning, as Kubernetes spells them. */
  public enum Type {
    Normal,
    Warning
  }

  public static final String COMPONENT = "streaming-pipeline-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  /** How many of a pipeline's events {@link #recent} keeps. */
  static final int RECENT = 20;

  /** An event as recorded, for the web view. */
  public record Recorded(String time, String type, String reason, String message) {}

  private final KubernetesClient client;
  private final Clock clock;

  /** Pipelines whose recent events are kept: the least recently recorded beyond it go. */
  static final int RECENT_PIPELINES = 1000;

  private final java.util.Map<String, java.util.ArrayDeque<Recorded>> recent =
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(
            java.util.Map.Entry<String, java.util.ArrayDeque<Recorded>> eldest) {
          return size() > RECENT_PIPELINES;
        }
      };

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Records one event; a failure to record is logged, never thrown: events are advice, not state.
   */
  public void record(StreamingPipeline pipeline, Type type, Reason reason, String message) {
    String ns = pipeline.getMetadata().getNamespace();
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    String scrubbed = message == null ? "" : Redaction.scrub(message);
    String text = scrubbed.length() > MAX_MESSAGE ? scrubbed.substring(0, MAX_MESSAGE) : scrubbed;
    remember(
        ns + "/" + pipeline.getMetadata().getName(),
        new Recorded(now, type.name(), reason.value(), text));
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      pipeline.getMetadata().getName()
                          + "."
                          + UUID.randomUUID()
                              .toString()
                              .replace("-", "")
                              .substring(0, 16)
                              .toLowerCase(Locale.ROOT))
                  .withNamespace(ns)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(pipeline.getApiVersion())
                          .withKind(pipeline.getKind())
                          .withName(pipeline.getMetadata().getName())
                          .withNamespace(ns)
                          .withUid(pipeline.getMetadata().getUid())
                          .withResourceVersion(pipeline.getMetadata().getResourceVersion())
                          .build())
                  .withType(type.name())
                  .withReason(reason.value())
                  .withMessage(text)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "could not record event {} on {}/{}: {}",
          reason.value(),
          ns,
          pipeline.getMetadata().getName(),
          e.getMessage());
    }
  }

  /**
   * The newest events this operator recorded on {@code namespace/name} since it started, newest
   * first (at most {@value #RECENT}): the web view shows them without listing Events.
   */
  public synchronized java.util.List<Recorded> recent(String namespace, String name) {
    java.util.ArrayDeque<Recorded> events = recent.get(namespace + "/" + name);
    if (events == null) {
      return java.util.List.of();
    }
    java.util.List<Recorded> newestFirst = new java.util.ArrayList<>(events);
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  private synchronized void remember(String key, Recorded event) {
    java.util.ArrayDeque<Recorded> events =
        recent.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
    events.addLast(event);
    while (events.size() > RECENT) {
      events.removeFirst();
    }
  }
}
