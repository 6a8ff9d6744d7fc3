package dev.insight.streaming.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one status writer against the real API server: writes only changes, keeps transition times,
 * survives 409s.
 */
class StatusWriterTest {

  static final String NS = "status";
  static TestKubernetes kube;

  final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T10:00:00Z"));
  StatusWriter writer;

  @BeforeAll
  static void start() {
    kube = TestKubernetes.start(NS);
  }

  @AfterAll
  static void stop() {
    kube.close();
  }

  StreamingPipeline created(String name) {
    writer =
        new StatusWriter(
            kube.client(),
            new EventRecorder(kube.client(), clock),
            new PhaseRule(List.of(Conditions.TOPICS_READY, Conditions.SINKS_READY)),
            clock);
    return kube.client()
        .resource(TestPipelines.withMongo(TestPipelines.pipeline(NS, name, "kafka:9092")))
        .create();
  }

  @Test
  void statusIsWrittenOnlyWhenSomethingChanged() {
    StreamingPipeline pipeline = created("unchanged");
    StreamingPipeline first =
        writer.update(
            pipeline,
            e -> e.specValid().ready(Conditions.TOPICS_READY, Reason.READY, "2 topics ready"));
    assertThat(first.getMetadata().getResourceVersion())
        .isNotEqualTo(pipeline.getMetadata().getResourceVersion());
    int events = events("unchanged");

    clock.set(Instant.parse("2026-01-01T10:05:00Z"));
    StreamingPipeline second =
        writer.update(
            first,
            e -> e.specValid().ready(Conditions.TOPICS_READY, Reason.READY, "2 topics ready"));

    assertThat(second).isSameAs(first);
    assertThat(stored("unchanged").getMetadata().getResourceVersion())
        .isEqualTo(first.getMetadata().getResourceVersion());
    assertThat(events("unchanged")).isEqualTo(events);
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusFlips() {
    StreamingPipeline pipeline = created("transitions");
    pipeline =
        writer.update(
            pipeline, e -> e.specValid().ready(Conditions.TOPICS_READY, Reason.READY, "one"));

    clock.set(Instant.parse("2026-01-01T10:01:00Z"));
    pipeline = writer.update(pipeline, e -> e.ready(Conditions.TOPICS_READY, Reason.READY, "two"));
    Condition sameStatus =
        stored("transitions").getStatus().condition(Conditions.TOPICS_READY).orElseThrow();
    assertThat(sameStatus.getMessage()).isEqualTo("two");
    assertThat(sameStatus.getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");

    clock.set(Instant.parse("2026-01-01T10:02:00Z"));
    writer.update(
        pipeline, e -> e.notReady(Conditions.TOPICS_READY, Reason.KAFKA_UNAVAILABLE, "down"));
    Condition flipped =
        stored("transitions").getStatus().condition(Conditions.TOPICS_READY).orElseThrow();
    assertThat(flipped.getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(flipped.getLastTransitionTime()).isEqualTo("2026-01-01T10:02:00Z");
  }

  @Test
  void aConflictIsRetriedAgainstTheFreshStatusNotLost() {
    StreamingPipeline stale = created("conflict");
    writer.update(
        stale,
        e -> e.specValid().ready(Conditions.TOPICS_READY, Reason.READY, "topics by writer one"));

    // a second writer still holds the old resourceVersion: the API server answers 409, and the
    // change is
    // re-applied on a fresh read
    writer.update(
        stale,
        e -> e.notReady(Conditions.SINKS_READY, Reason.SINK_UNREACHABLE, "sinks by writer two"));

    StreamingPipeline result = stored("conflict");
    assertThat(result.getStatus().condition(Conditions.TOPICS_READY))
        .get()
        .extracting(Condition::getMessage)
        .isEqualTo("topics by writer one");
    assertThat(result.getStatus().condition(Conditions.SINKS_READY))
        .get()
        .extracting(Condition::getMessage)
        .isEqualTo("sinks by writer two");
    assertThat(result.getStatus().condition(Conditions.READY))
        .get()
        .extracting(Condition::getReason)
        .isEqualTo("SinkUnreachable");
  }

  @Test
  void anEventIsRecordedPerConditionChange() {
    StreamingPipeline pipeline = created("events");
    pipeline =
        writer.update(
            pipeline,
            e -> e.specValid().notReady(Conditions.TOPICS_READY, Reason.KAFKA_UNAVAILABLE, "down"));
    writer.update(pipeline, e -> e.ready(Conditions.TOPICS_READY, Reason.READY, "up"));

    assertThat(
            kube.client().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(ev -> "events".equals(ev.getInvolvedObject().getName()))
                .filter(ev -> ev.getMessage().startsWith(Conditions.TOPICS_READY))
                .map(ev -> ev.getType() + "/" + ev.getReason())
                .toList())
        .containsExactlyInAnyOrder("Warning/KafkaUnavailable", "Normal/Ready");
  }

  private static StreamingPipeline stored(String name) {
    return kube.client().resources(StreamingPipeline.class).inNamespace(NS).withName(name).get();
  }

  private static int events(String name) {
    return (int)
        kube.client().v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> name.equals(e.getInvolvedObject().getName()))
            .count();
  }

  /** A clock the test moves by hand. */
  static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
