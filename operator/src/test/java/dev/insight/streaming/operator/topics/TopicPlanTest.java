package dev.insight.streaming.operator.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.testing.TestPipelines;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the topic step would do, from the spec and what Kafka has. */
class TopicPlanTest {

  final StreamingPipeline pipeline =
      TestPipelines.withMongo(TestPipelines.pipeline("ns", "orders", "kafka:9092"));

  @Test
  void theDeadLetterTopicIsWantedAfterTheInputTopics() {
    assertThat(DesiredTopic.of(pipeline))
        .extracting(DesiredTopic::name, DesiredTopic::partitions)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("orders-in", 2),
            org.assertj.core.groups.Tuple.tuple("ns.orders.dlq", 1));
  }

  @Test
  void missingTopicsAreCreated() {
    TopicPlan plan = TopicPlan.between(DesiredTopic.of(pipeline), Map.of(), Set.of());
    assertThat(plan.toCreate())
        .extracting(DesiredTopic::name)
        .containsExactly("orders-in", "ns.orders.dlq");
  }

  @Test
  void fewerPartitionsAreRaisedAndChangedConfigsSet() {
    TopicPlan plan =
        TopicPlan.between(
            DesiredTopic.of(pipeline),
            Map.of(
                "orders-in",
                    new ObservedTopic("orders-in", "id-in", 1, Map.of("retention.ms", "60000")),
                "ns.orders.dlq", new ObservedTopic("ns.orders.dlq", "id-dlq", 1, Map.of())),
            Set.of("orders-in", "ns.orders.dlq"));
    assertThat(plan.toCreate()).isEmpty();
    assertThat(plan.toRaise()).containsExactly(Map.entry("orders-in", 2));
    assertThat(plan.configChanges())
        .containsExactly(Map.entry("orders-in", Map.of("retention.ms", "3600000")));
  }

  @Test
  void morePartitionsThanAskedAreKeptAndReportedNotLowered() {
    TopicPlan plan =
        TopicPlan.between(
            DesiredTopic.of(pipeline),
            Map.of(
                "orders-in",
                    new ObservedTopic("orders-in", "id-in", 6, Map.of("retention.ms", "3600000")),
                "ns.orders.dlq", new ObservedTopic("ns.orders.dlq", "id-dlq", 1, Map.of())),
            Set.of("orders-in", "ns.orders.dlq"));
    assertThat(plan.larger()).containsExactly(Map.entry("orders-in", 6));
    assertThat(plan.toRaise()).isEmpty();
    assertThat(plan.toCreate()).isEmpty();
    assertThat(plan.configChanges()).isEmpty();
  }

  @Test
  void configsTheSpecDoesNotNameAreLeftAlone() {
    TopicPlan plan =
        TopicPlan.between(
            List.of(new DesiredTopic("t", 1, (short) 1, Map.of())),
            Map.of("t", new ObservedTopic("t", "id-t", 1, Map.of("cleanup.policy", "compact"))),
            Set.of("t"));
    assertThat(plan.configChanges()).isEmpty();
  }

  @Test
  void aTopicThePipelineDidNotCreateIsOnlyReadAndWhatIsNotDoneIsSaid() {
    TopicPlan plan =
        TopicPlan.between(
            DesiredTopic.of(pipeline),
            Map.of(
                "orders-in",
                    new ObservedTopic("orders-in", "id-in", 1, Map.of("retention.ms", "60000")),
                "ns.orders.dlq", new ObservedTopic("ns.orders.dlq", "id-dlq", 1, Map.of())),
            Set.of("ns.orders.dlq"));
    assertThat(plan.toRaise()).isEmpty();
    assertThat(plan.configChanges()).isEmpty();
    assertThat(plan.larger()).isEmpty();
    assertThat(plan.notOwned())
        .containsExactly(
            Map.entry(
                "orders-in",
                List.of(
                    "it has 1 partitions, the spec asks 2", "config retention.ms not applied")));
  }
}
