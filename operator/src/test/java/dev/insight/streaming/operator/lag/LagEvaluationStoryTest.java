package dev.insight.streaming.operator.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.LagEvaluation;
import dev.insight.streaming.operator.api.status.LagSource;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.Phase;
import dev.insight.streaming.operator.testing.TestPipelines;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lag monitor running on its own schedule against the real broker: a producer at a fixed rate
 * and a consumer group that commits faster, slower or not at all drive the verdict through every
 * state and back.
 */
class LagEvaluationStoryTest {

  private static LagWorld world;

  @BeforeAll
  static void start() {
    world = new LagWorld(Clock.systemUTC(), Duration.ofMillis(250));
    world.monitor.start();
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  /** How the consumer treats what it reads. */
  enum Mode {
    FAST,
    HALF,
    NONE
  }

  @Test
  void aConsumerGroupCommittingFasterSlowerOrNotAtAllDrivesOkWarnStallStopAndBackToOk()
      throws Exception {
    StreamingPipeline p =
        world.pipeline("story", 1, LagWorld.lag("250ms", "250ms", "3s", "1500ms", 20));
    String topic = TestPipelines.inputTopic(p);
    AtomicBoolean running = new AtomicBoolean(true);
    Mode[] mode = {Mode.FAST};
    List<LagEvaluation> seen = new ArrayList<>();
    // 100 records/s
    Thread producer =
        new Thread(
            () -> {
              int i = 0;
              while (running.get()) {
                world.send(topic, 0, "r" + i++);
                sleep(10);
              }
            });
    Thread consumer = new Thread(() -> consume(topic, "lag.story", running, mode));
    Thread watcher =
        new Thread(
            () -> {
              while (running.get()) {
                StreamingPipeline now = world.get("story");
                LagEvaluation e =
                    now.getStatus() == null || now.getStatus().getLag() == null
                        ? null
                        : now.getStatus().getLag().getEvaluation();
                synchronized (seen) {
                  if (e != null && (seen.isEmpty() || seen.get(seen.size() - 1) != e)) {
                    seen.add(e);
                  }
                }
                sleep(100);
              }
            });
    producer.start();
    consumer.start();
    watcher.start();
    try {
      awaitEvaluation(LagEvaluation.OK, Duration.ofSeconds(20));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> world.get("story").getStatus().getLag(),
              lag -> lag.getProducingRate() > 30.0 && lag.getProcessingRate() > 30.0);
      LagStatus ok = world.get("story").getStatus().getLag();
      assertThat(ok.getSource())
          .as("nothing stored: the group's commits count")
          .isEqualTo(LagSource.CONSUMER_GROUP);
      assertThat(ok.getEvaluation()).isEqualTo(LagEvaluation.OK);

      mode[0] = Mode.HALF;
      awaitEvaluation(LagEvaluation.WARN, Duration.ofSeconds(20));
      assertThat(condition().getReason()).isEqualTo("LagGrowing");
      assertThat(world.get("story").getStatus().getPhase()).isEqualTo(Phase.Running);

      mode[0] = Mode.NONE;
      awaitEvaluation(LagEvaluation.STALL, Duration.ofSeconds(20));
      assertThat(condition().getMessage())
          .contains("stalled: the processed offset of story-in-0 stood at");
      assertThat(world.get("story").getStatus().getPhase()).isEqualTo(Phase.Degraded);

      awaitEvaluation(LagEvaluation.STOP, Duration.ofSeconds(20));
      assertThat(condition().getReason()).isEqualTo("OffsetsStopped");
      assertThat(condition().getMessage())
          .contains("No processed offset moved for")
          .contains("while the driver runs");

      mode[0] = Mode.FAST;
      awaitEvaluation(LagEvaluation.OK, Duration.ofSeconds(20));
      assertThat(condition().getStatus()).isEqualTo(Conditions.TRUE);
      assertThat(world.get("story").getStatus().getPhase()).isEqualTo(Phase.Running);
    } finally {
      running.set(false);
      producer.join();
      consumer.join();
      watcher.join();
    }
    synchronized (seen) {
      // the last verdict, which the awaits saw and the watcher may have stopped before reading
      LagEvaluation last = world.get("story").getStatus().getLag().getEvaluation();
      if (seen.get(seen.size() - 1) != last) {
        seen.add(last);
      }
      assertThat(seen)
          .containsSubsequence(
              LagEvaluation.OK,
              LagEvaluation.WARN,
              LagEvaluation.STALL,
              LagEvaluation.STOP,
              LagEvaluation.OK);
    }
    assertThat(world.eventReasons("story"))
        .contains("LagOk", "LagGrowing", "LagStalled", "OffsetsStopped");
  }

  private static Condition condition() {
    return world.get("story").getStatus().condition(Conditions.LAG_HEALTHY).orElseThrow();
  }

  private static void awaitEvaluation(LagEvaluation expected, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .alias("evaluation " + expected)
        .until(
            () -> {
              StreamingPipeline p = world.get("story");
              return p.getStatus() == null || p.getStatus().getLag() == null
                  ? null
                  : p.getStatus().getLag();
            },
            lag -> lag != null && lag.getEvaluation() == expected);
  }

  /** Reads from partition 0; FAST commits all it read, HALF at most 50 records/s, NONE nothing. */
  private static void consume(String topic, String group, AtomicBoolean running, Mode[] mode) {
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                world.bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(tp));
      long position = 0;
      consumer.seek(tp, 0);
      while (running.get()) {
        List<ConsumerRecord<String, String>> records =
            consumer.poll(Duration.ofMillis(100)).records(tp);
        long readUpTo = records.isEmpty() ? position : records.get(records.size() - 1).offset() + 1;
        switch (mode[0]) {
          case FAST -> position = readUpTo;
          case HALF -> position = Math.min(readUpTo, position + 5);
          case NONE -> {}
        }
        consumer.seek(tp, position);
        if (mode[0] != Mode.NONE) {
          consumer.commitSync(Map.of(tp, new OffsetAndMetadata(position)));
        }
        sleep(100);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
