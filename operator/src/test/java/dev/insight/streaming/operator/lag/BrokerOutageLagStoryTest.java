package dev.insight.streaming.operator.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.embedded.EmbeddedKafkaCluster;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.LagSpec;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.LagEvaluation;
import dev.insight.streaming.operator.api.status.LagSource;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.PartitionLag;
import dev.insight.streaming.operator.api.status.Phase;
import dev.insight.streaming.operator.testing.TestPipelines;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Story: the lag monitor over the shared three-node cluster while one node is SIGKILLed and later
 * started again. A pipeline whose topic is replicated on all three nodes keeps reading true figures
 * from the partitions' new leaders (OK, with records appended during the outage counted); a
 * pipeline whose topic lives on the dead node alone is ERR and says why; both are OK again, with
 * true figures, after the node is back.
 */
class BrokerOutageLagStoryTest {

  private static EmbeddedKafkaCluster kafka;
  private static LagWorld world;

  @BeforeAll
  static void start() {
    kafka = SharedServers.kafkaCluster();
    world =
        new LagWorld(
            Clock.systemUTC(),
            Duration.ofMillis(250),
            kafka.bootstrapServers(),
            (topic, partitions) ->
                kafka.createTopic(topic, partitions, 3, Map.of("min.insync.replicas", "2")));
  }

  @AfterAll
  static void stop() {
    if (world != null) {
      world.close();
    }
    if (kafka != null) {
      kafka.restartStopped();
    }
  }

  @Test
  void replicatedPartitionsStayTrueAndAPartitionOnTheDeadNodeIsErrUntilItIsBack() {
    // no WARN, STALL or STOP within the story: the verdicts seen are about readability only
    LagSpec rules = LagWorld.lag("250ms", "250ms", "10m", "10m", 1_000_000);
    StreamingPipeline replicated = world.pipeline("replicated", 2, rules);
    String replicatedTopic = TestPipelines.inputTopic(replicated);
    int victim = kafka.leaderOf(replicatedTopic, 0);
    // the other pipeline's topic: one replica per partition, both on the node about to die
    kafka.createTopic("lonely-in", Map.of(0, List.of(victim), 1, List.of(victim)), Map.of());
    StreamingPipeline lonely = world.pipeline("lonely", 2, rules);

    world.produce(replicatedTopic, 2, 10);
    world.produce("lonely-in", 2, 10);
    world.store(replicated, Map.of(0, 4L, 1, 6L));
    world.store(lonely, Map.of(0, 3L, 1, 10L));
    awaitLag("replicated", LagEvaluation.OK, 10);
    awaitLag("lonely", LagEvaluation.OK, 7);

    kafka.kill(victim);
    try {
      // acks=all with two of three replicas in sync: appends go on once the leaders moved
      world.produce(replicatedTopic, 2, 5);
      LagStatus during = awaitLag("replicated", LagEvaluation.OK, 20);
      assertThat(during.getSource()).isEqualTo(LagSource.OFFSET_STORE);
      assertThat(during.getPartitions())
          .extracting(PartitionLag::getPartition, PartitionLag::getEnd, PartitionLag::getLag)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(0, 15L, 11L),
              org.assertj.core.groups.Tuple.tuple(1, 15L, 9L));
      assertThat(healthy("replicated").getStatus()).isEqualTo(Conditions.TRUE);

      LagStatus unreadable =
          await("lonely ERR while node " + victim + " is dead")
              .atMost(Duration.ofSeconds(90))
              .until(
                  () -> cycleThenLag("lonely"),
                  lag -> lag != null && lag.getEvaluation() == LagEvaluation.ERR);
      assertThat(kafka.isRunning(victim)).isFalse();
      assertThat(unreadable.getPartitions())
          .extracting(PartitionLag::getTopic, PartitionLag::getEvaluation)
          .containsOnly(org.assertj.core.groups.Tuple.tuple("lonely-in", LagEvaluation.ERR));
      Condition condition = healthy("lonely");
      assertThat(condition.getStatus()).isEqualTo(Conditions.FALSE);
      assertThat(condition.getReason()).isEqualTo(Conditions.Reason.LAG_UNKNOWN.value());
      // Admin reports a partition without a leader only as a timeout of the whole call
      assertThat(condition.getMessage())
          .contains("Offsets of all 2 partitions are unreadable")
          .contains("TimeoutException");
      assertThat(world.get("lonely").getStatus().getPhase()).isEqualTo(Phase.Degraded);
      // the same cycles, which waited out the lonely topic's timeout, kept the replicated one true
      LagStatus still = world.get("replicated").getStatus().getLag();
      assertThat(still.getEvaluation()).isEqualTo(LagEvaluation.OK);
      assertThat(still.getTotal()).isEqualTo(20);
    } finally {
      kafka.restart(victim);
    }

    LagStatus back = awaitLag("lonely", LagEvaluation.OK, 7);
    assertThat(back.getPartitions())
        .extracting(PartitionLag::getPartition, PartitionLag::getEnd)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(0, 10L),
            org.assertj.core.groups.Tuple.tuple(1, 10L));
    assertThat(healthy("lonely").getStatus()).isEqualTo(Conditions.TRUE);
    assertThat(awaitLag("replicated", LagEvaluation.OK, 20).getTotal()).isEqualTo(20);
    assertThat(world.eventReasons("lonely")).contains("LagUnknown");
  }

  /** Runs cycles until the pipeline's status shows {@code evaluation} with {@code total}. */
  private static LagStatus awaitLag(String name, LagEvaluation evaluation, long total) {
    return await(name + " " + evaluation + " with total " + total)
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> cycleThenLag(name),
            lag ->
                lag != null
                    && lag.getEvaluation() == evaluation
                    && lag.getTotal() != null
                    && lag.getTotal() == total);
  }

  private static Condition healthy(String name) {
    return world.get(name).getStatus().condition(Conditions.LAG_HEALTHY).orElseThrow();
  }

  private static LagStatus cycleThenLag(String name) {
    world.monitor.runCycle();
    StreamingPipeline p = world.get(name);
    return p.getStatus() == null ? null : p.getStatus().getLag();
  }
}
