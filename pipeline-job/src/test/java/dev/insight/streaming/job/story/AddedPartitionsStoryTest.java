package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.PartitionOffset;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Story: partitions added to a topic while the job runs are read from their beginning, without a
 * restart.
 */
@ExtendWith(SharedServersExtension.class)
class AddedPartitionsStoryTest {

  @Test
  void partitionsAddedWhileRunningArePickedUp(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    try (StoryPipeline p = new StoryPipeline("added-partitions", 1, kafka, cassandra, mongo)) {
      p.produce(0, 100, 1);
      try (JobProcess job = p.startJob("run")) {
        await(
            "the first partition stored",
            Duration.ofSeconds(120),
            job,
            () -> p.storedProgress() == 100);

        p.admin().createPartitions(Map.of(p.topic, NewPartitions.increaseTo(3))).all().get();
        p.produce(100, 400, 3); // 100 more into each of partitions 0, 1 and 2

        await(
            "all three partitions stored",
            Duration.ofSeconds(60),
            job,
            () -> p.storedProgress() == 400);
        assertThat(job.log())
            .contains(
                "picked up added partitions [added-partitions.events-1, added-partitions.events-2]");
        assertThat(job.terminate()).isZero();
      }
      assertThat(p.cassandraOffsets())
          .containsExactly(
              new PartitionOffset(p.topic, 0, 200),
              new PartitionOffset(p.topic, 1, 100),
              new PartitionOffset(p.topic, 2, 100));
      assertThat(p.mongoOffsets()).isEqualTo(p.cassandraOffsets());
      assertThat(p.cassandraRows()).hasSize(400);
      assertThat(p.mongoDocuments()).hasSize(400);
    }
  }
}
