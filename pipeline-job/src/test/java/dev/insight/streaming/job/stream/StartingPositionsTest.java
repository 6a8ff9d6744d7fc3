package dev.insight.streaming.job.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.jobconfig.KafkaConfig.StartingOffsets;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.RetentionGap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StartingPositionsTest {

  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);
  private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");

  @Test
  void theSmallestStoredOffsetAcrossSinksWins() {
    StartingPositions p =
        resolve(
            List.of(List.of(o(0, 50), o(1, 7)), List.of(o(0, 40), o(1, 9))),
            StartingOffsets.latest);
    assertThat(p.offsets()).isEqualTo(Map.of(P0, 40L, P1, 7L));
    assertThat(p.gaps()).isEmpty();
  }

  @Test
  void withNothingStoredStartingOffsetsDecides() {
    assertThat(resolve(List.of(List.of(), List.of()), StartingOffsets.earliest).offsets())
        .isEqualTo(Map.of(P0, 10L, P1, 0L));
    assertThat(resolve(List.of(List.of(), List.of()), StartingOffsets.latest).offsets())
        .isEqualTo(Map.of(P0, 100L, P1, 20L));
  }

  @Test
  void aSinkWithoutAnOffsetForAPartitionPullsItBackToStartingOffsets() {
    assertThat(
            resolve(List.of(List.of(o(0, 50), o(1, 7)), List.of(o(1, 9))), StartingOffsets.earliest)
                .offsets())
        .isEqualTo(Map.of(P0, 10L, P1, 7L));
  }

  @Test
  void offsetsLostToRetentionAreAGapAndTheStartMovesToTheEarliest() {
    StartingPositions p = resolve(List.of(List.of(o(0, 4), o(1, 3))), StartingOffsets.earliest);
    assertThat(p.offsets()).isEqualTo(Map.of(P0, 10L, P1, 3L));
    assertThat(p.gaps()).containsExactly(new RetentionGap("t", 0, 4, 10, NOW));
    assertThat(p.gaps().get(0).lost()).isEqualTo(6);
  }

  @Test
  void anOffsetBeyondTheLogEndRestartsARecreatedTopicFromItsBeginning() {
    assertThat(resolve(List.of(List.of(o(0, 500), o(1, 3))), StartingOffsets.latest).offsets())
        .isEqualTo(Map.of(P0, 10L, P1, 3L));
  }

  private static StartingPositions resolve(
      List<List<PartitionOffset>> stored, StartingOffsets policy) {
    return StartingPositions.resolve(
        Set.of(P0, P1), stored, policy, Map.of(P0, 10L, P1, 0L), Map.of(P0, 100L, P1, 20L), NOW);
  }

  private static PartitionOffset o(int partition, long offset) {
    return new PartitionOffset("t", partition, offset);
  }
}
