package dev.insight.streaming.operator.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Phase;
import org.junit.jupiter.api.Test;

/**
 * A user suspends a pipeline while its Kafka cluster is down: the driver still stops, gracefully.
 */
class SuspendWhileBlockedStoryTest {

  @Test
  void suspendReachesTheDriverWhenTopicsCannotBeChecked() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        DriverWorld world = DriverWorld.behindTopicStep("outage")) {
      world.createPipeline(
          p -> p.getSpec().getKafka().setBootstrapServers(kafka.bootstrapServers()));
      world.reconcile();
      world.kubeletRuns(world.clock.instant());
      StreamingPipeline running = world.reconcile();
      assertThat(running.getStatus().getPhase()).isEqualTo(Phase.Running);
      world.kubeletHoldsOnDelete();

      kafka.stop();
      world.editSpec(p -> p.getSpec().setSuspend(true));
      StreamingPipeline suspended = world.reconcile();

      assertThat(suspended.getStatus().condition(Conditions.TOPICS_READY).orElseThrow().getReason())
          .isEqualTo(Reason.KAFKA_UNAVAILABLE.value());
      assertThat(world.podRequests("DELETE")).hasSize(1);
      assertThat(world.podRequests("DELETE").get(0).getUtf8Body())
          .contains("\"gracePeriodSeconds\":60");
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.SUSPENDED.value());
      assertThat(suspended.getStatus().getPhase()).isEqualTo(Phase.Suspended);
    }
  }

  @Test
  void withoutSuspendAnOutageLeavesTheRunningDriverAlone() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        DriverWorld world = DriverWorld.behindTopicStep("steady")) {
      world.createPipeline(
          p -> p.getSpec().getKafka().setBootstrapServers(kafka.bootstrapServers()));
      world.reconcile();
      world.kubeletRuns(world.clock.instant());
      world.reconcile();

      kafka.stop();
      StreamingPipeline blocked = world.reconcile();

      assertThat(blocked.getStatus().condition(Conditions.TOPICS_READY).orElseThrow().getReason())
          .isEqualTo(Reason.KAFKA_UNAVAILABLE.value());
      assertThat(world.podRequests("DELETE")).isEmpty();
      assertThat(world.pod()).isNotNull();
    }
  }
}
