package dev.insight.streaming.operator.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.LagEvaluation;
import dev.insight.streaming.operator.api.status.LagSource;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.PartitionLag;
import dev.insight.streaming.operator.api.status.Phase;
import dev.insight.streaming.operator.http.HealthAndMetricsServer;
import dev.insight.streaming.operator.lag.LagRequests.Kind;
import dev.insight.streaming.operator.testing.TestPipelines;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stories of the lag monitor against the real broker and MongoDB-wire server, one cycle at a time.
 */
class LagMonitorStoriesTest {

  private static LagWorld world;

  @BeforeAll
  static void start() {
    world = new LagWorld(Clock.systemUTC(), Duration.ofMillis(250));
  }

  @AfterAll
  static void stop() {
    world.close();
  }

  @Test
  void secondsBehindIsWithinTwentyPercentOfTheTrueDelay() throws Exception {
    StreamingPipeline p =
        world.pipeline("behind", 1, LagWorld.lag("250ms", "1s", "10s", "30s", 1_000_000));
    String topic = TestPipelines.inputTopic(p);
    long delayMillis = 5_000;
    // offset -> append time, as the broker stamped it
    ConcurrentSkipListMap<Long, Long> appended = new ConcurrentSkipListMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread producer =
        new Thread(
            () -> {
              var kafkaProducer =
                  new org.apache.kafka.clients.producer.KafkaProducer<String, String>(
                      Map.of("bootstrap.servers", world.bootstrap, "linger.ms", 0),
                      new org.apache.kafka.common.serialization.StringSerializer(),
                      new org.apache.kafka.common.serialization.StringSerializer());
              try (kafkaProducer) {
                while (running.get()) {
                  kafkaProducer.send(
                      new ProducerRecord<>(topic, 0, null, "x"),
                      (md, e) -> {
                        if (e == null) {
                          appended.put(md.offset(), md.timestamp());
                        }
                      });
                  sleep(10);
                }
              }
            });
    // the "job": stores as processed everything appended at least delayMillis ago
    Thread job =
        new Thread(
            () -> {
              while (running.get()) {
                long cutoff = System.currentTimeMillis() - delayMillis;
                Long last = null;
                for (Map.Entry<Long, Long> e : appended.entrySet()) {
                  if (e.getValue() > cutoff) {
                    break;
                  }
                  last = e.getKey();
                }
                world.store(p, Map.of(0, last == null ? 0L : last + 1));
                sleep(100);
              }
            });
    producer.start();
    job.start();
    try {
      long end = System.currentTimeMillis() + 12_000;
      while (System.currentTimeMillis() < end) {
        world.monitor.runCycle();
        sleep(250);
      }
      double gauge =
          world.registry.get("streaming.pipeline.lag.behind").tag("name", "behind").gauge().value();
      assertThat(gauge).isCloseTo(delayMillis / 1000.0, within(delayMillis / 1000.0 * 0.2));
      LagStatus lag = world.get("behind").getStatus().getLag();
      assertThat(lag.getSource()).isEqualTo(LagSource.OFFSET_STORE);
      assertThat(lag.getSecondsBehind()).isBetween(4L, 6L);
      assertThat(lag.getProcessingRate()).isPositive();
      assertThat(lag.getProducingRate()).isPositive();
    } finally {
      running.set(false);
      producer.join();
      job.join();
    }
  }

  @Test
  void addedPartitionsAppearOnceTheSpecAsksForThem() throws Exception {
    StreamingPipeline p =
        world.pipeline("grow", 2, LagWorld.lag("250ms", "250ms", "5s", "30s", 1000));
    String topic = TestPipelines.inputTopic(p);
    world.produce(topic, 2, 3);
    world.store(p, Map.of(0, 1L, 1, 2L));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cycleThenLag("grow"), lag -> lag != null && lag.getPartitionCount() == 2);
    assertThat(world.get("grow").getStatus().getLag().getTotal()).isEqualTo(3);

    world.admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get();
    StreamingPipeline current = world.get("grow");
    current.getSpec().getKafka().getTopics().get(0).setPartitions(4);
    world.k8s.client().resource(current).update();
    world.produce(topic, 4, 1);
    world.store(p, Map.of(2, 0L, 3, 0L));
    LagStatus lag =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> cycleThenLag("grow"), l -> l != null && l.getPartitionCount() == 4);
    assertThat(lag.getPartitions())
        .extracting(PartitionLag::getPartition)
        .containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(lag.getTotal()).isEqualTo(3 + 2 + 1 + 1);
    assertThat(
            world
                .registry
                .get("streaming.pipeline.partition.lag")
                .tag("name", "grow")
                .tag("partition", "3")
                .gauge()
                .value())
        .isEqualTo(1.0);
  }

  @Test
  void aDeletedTopicGivesErrWithAMessageAndDegradesThePipeline() throws Exception {
    StreamingPipeline p =
        world.pipeline("deleted", 2, LagWorld.lag("250ms", "250ms", "5s", "30s", 1000));
    String topic = TestPipelines.inputTopic(p);
    world.produce(topic, 2, 2);
    world.store(p, Map.of(0, 2L, 1, 2L));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> cycleThenLag("deleted"),
            lag -> lag != null && lag.getEvaluation() == LagEvaluation.OK);

    world.admin().deleteTopics(List.of(topic)).all().get();
    LagStatus lag =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> cycleThenLag("deleted"), l -> l.getEvaluation() == LagEvaluation.ERR);
    Condition condition =
        world.get("deleted").getStatus().condition(Conditions.LAG_HEALTHY).orElseThrow();
    assertThat(condition.getStatus()).isEqualTo(Conditions.FALSE);
    assertThat(condition.getReason()).isEqualTo("LagUnknown");
    assertThat(condition.getMessage())
        .isEqualTo("Offsets of all 2 partitions are unreadable: topic deleted-in does not exist");
    assertThat(lag.getTotal()).isNull();
    assertThat(lag.getPartitions())
        .extracting(PartitionLag::getEvaluation)
        .containsOnly(LagEvaluation.ERR);
    assertThat(world.get("deleted").getStatus().getPhase()).isEqualTo(Phase.Degraded);
    assertThat(world.eventReasons("deleted")).contains("LagUnknown");
  }

  @Test
  void anUnreachableBrokerGivesErrWhileOtherPipelinesAndTheMonitorCarryOn() throws Exception {
    String nowhere = "127.0.0.1:" + freePort();
    world.pipeline(
        "far",
        1,
        LagWorld.lag("250ms", "250ms", "5s", "30s", 1000),
        nowhere,
        world.mongo.connectionString());
    StreamingPipeline near =
        world.pipeline("near", 1, LagWorld.lag("250ms", "250ms", "5s", "30s", 1000));
    world.produce(TestPipelines.inputTopic(near), 1, 1);
    world.store(near, Map.of(0, 1L));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                world.get("far").getStatus().getLag() == null
                    ? cycleThenLag("far")
                    : world.get("far").getStatus().getLag(),
            lag -> lag != null);
    for (int cycle = 0; cycle < 2; cycle++) {
      LagMonitor.CycleReport report = world.monitor.runCycle();
      assertThat(report.took()).isLessThan(Duration.ofSeconds(15));
    }
    LagStatus far = world.get("far").getStatus().getLag();
    assertThat(far.getEvaluation()).isEqualTo(LagEvaluation.ERR);
    assertThat(
            world
                .get("far")
                .getStatus()
                .condition(Conditions.LAG_HEALTHY)
                .orElseThrow()
                .getMessage())
        .startsWith("Offsets of 1 partition are unreadable, e.g. far-in-0: Kafka at " + nowhere);
    assertThat(world.get("near").getStatus().getLag().getEvaluation()).isEqualTo(LagEvaluation.OK);
    world.k8s.client().resource(world.get("far")).delete();
  }

  @Test
  void aNewCauseOfTheSameVerdictReachesTheConditionMessage() throws Exception {
    String first = "127.0.0.1:" + freePort();
    world.pipeline(
        "moved",
        1,
        LagWorld.lag("250ms", "250ms", "5s", "30s", 1000),
        first,
        world.mongo.connectionString());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> cycleThenLag("moved"),
            lag -> lag != null && lag.getEvaluation() == LagEvaluation.ERR);
    assertThat(message("moved")).contains("Kafka at " + first);

    // still ERR with the same figures, for another reason: the message follows within the status
    // interval
    String second = "127.0.0.1:" + freePort();
    world
        .k8s
        .client()
        .resources(StreamingPipeline.class)
        .inNamespace(world.get("moved").getMetadata().getNamespace())
        .withName("moved")
        .edit(
            p -> {
              p.getSpec().getKafka().setBootstrapServers(second);
              return p;
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              cycleThenLag("moved");
              return message("moved");
            },
            m -> m.contains("Kafka at " + second));
    assertThat(world.get("moved").getStatus().getLag().getEvaluation())
        .isEqualTo(LagEvaluation.ERR);
    world.k8s.client().resource(world.get("moved")).delete();
  }

  private static String message(String name) {
    return world.get(name).getStatus().condition(Conditions.LAG_HEALTHY).orElseThrow().getMessage();
  }

  @Test
  void anUnreadableOffsetStoreFallsBackToTheConsumerGroupAndSaysSo() throws Exception {
    StreamingPipeline p =
        world.pipeline(
            "fallback",
            2,
            LagWorld.lag("250ms", "250ms", "5s", "30s", 1000),
            world.bootstrap,
            "mongodb://127.0.0.1:" + freePort());
    world.produce(TestPipelines.inputTopic(p), 2, 4);
    world.commit(p, Map.of(0, 3L, 1, 4L));
    LagStatus lag =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> cycleThenLag("fallback"), l -> l != null && l.getTotal() != null);
    assertThat(lag.getSource()).isEqualTo(LagSource.CONSUMER_GROUP);
    assertThat(lag.getTotal()).isEqualTo(1);
    assertThat(lag.getEvaluation()).isEqualTo(LagEvaluation.OK);
    world.k8s.client().resource(world.get("fallback")).delete();
  }

  @Test
  void theMetricsEndpointServesTheFiguresInPrometheusTextFormat() throws Exception {
    StreamingPipeline p =
        world.pipeline("metered", 2, LagWorld.lag("250ms", "250ms", "5s", "30s", 1000));
    world.produce(TestPipelines.inputTopic(p), 2, 5);
    world.store(p, Map.of(0, 1L, 1, 3L));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cycleThenLag("metered"), l -> l != null && l.getTotal() == 6);
    long endOffsetCalls = world.monitor.requests().get(Kind.END_OFFSETS);
    try (HealthAndMetricsServer http =
        HealthAndMetricsServer.start(
            0, () -> true, () -> true, world.registry, java.util.Map.of())) {
      String text =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Map<String, Double> samples = parse(text);
      String pipeline = "name=\"metered\",namespace=\"lag\"";
      assertThat(samples)
          .containsEntry(
              "streaming_pipeline_partition_lag_records{"
                  + pipeline
                  + ",partition=\"0\",topic=\"metered-in\"}",
              4.0);
      assertThat(samples)
          .containsEntry(
              "streaming_pipeline_partition_lag_records{"
                  + pipeline
                  + ",partition=\"1\",topic=\"metered-in\"}",
              2.0);
      assertThat(samples).containsEntry("streaming_pipeline_lag_records{" + pipeline + "}", 6.0);
      assertThat(samples).containsKey("streaming_pipeline_lag_behind_seconds{" + pipeline + "}");
      assertThat(samples)
          .containsEntry(
              "streaming_pipeline_lag_evaluation{evaluation=\"OK\"," + pipeline + "}", 1.0);
      assertThat(samples)
          .containsEntry(
              "streaming_pipeline_lag_evaluation{evaluation=\"STALL\"," + pipeline + "}", 0.0);
      assertThat(samples.get("streaming_pipeline_lag_requests_total{kind=\"end_offsets\"}"))
          .isGreaterThanOrEqualTo((double) endOffsetCalls);
      assertThat(samples).containsKey("streaming_pipeline_lag_cycle_seconds_count");
      assertThat(text).contains("# TYPE streaming_pipeline_partition_lag_records gauge");
    }
  }

  /**
   * Parses Prometheus text format 0.0.4 into {@code name{labels sorted}} -> value; comments are
   * checked for form.
   */
  static Map<String, Double> parse(String text) {
    Pattern sample = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\d+)?");
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        assertThat(line).matches("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");
        continue;
      }
      Matcher m = sample.matcher(line);
      assertThat(m.matches()).as("a sample line: %s", line).isTrue();
      StringBuilder key = new StringBuilder(m.group(1));
      if (m.group(3) != null && !m.group(3).isEmpty()) {
        Matcher l = label.matcher(m.group(3));
        java.util.TreeMap<String, String> labels = new java.util.TreeMap<>();
        int at = 0;
        while (l.find() && l.start() == at) {
          labels.put(l.group(1), l.group(2));
          at = l.end();
        }
        assertThat(at).as("labels of %s", line).isEqualTo(m.group(3).length());
        key.append(
            labels.entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(java.util.stream.Collectors.joining(",", "{", "}")));
      }
      String value = m.group(4);
      samples.put(
          key.toString(),
          switch (value) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
          });
    }
    return samples;
  }

  private static LagStatus cycleThenLag(String name) {
    world.monitor.runCycle();
    StreamingPipeline p = world.get(name);
    return p.getStatus() == null ? null : p.getStatus().getLag();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
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
