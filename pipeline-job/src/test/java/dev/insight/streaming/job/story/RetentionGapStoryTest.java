package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.RetentionGap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Story: while the job is down, retention deletes records it never read; it warns, records the gap
 * and goes on.
 */
@ExtendWith(SharedServersExtension.class)
class RetentionGapStoryTest {

  @Test
  void recordsLostToRetentionAreAWarningAndARecordedGapNotACrash(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    try (StoryPipeline p = new StoryPipeline("retention", 1, kafka, cassandra, mongo)) {
      p.produce(0, 100, 1);
      try (JobProcess job = p.startJob("before")) {
        await("first 100 stored", Duration.ofSeconds(120), job, () -> p.storedProgress() == 100);
        assertThat(job.terminate()).isZero();
      }

      p.produce(100, 200, 1);
      // what retention does: the log start moves past records nobody read
      TopicPartition tp = new TopicPartition(p.topic, 0);
      p.admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(150))).all().get();

      try (JobProcess job = p.startJob("after")) {
        await(
            "the retained records stored",
            Duration.ofSeconds(120),
            job,
            () -> p.storedProgress() == 200);
        assertThat(job.log())
            .contains("DATA LOSS")
            .contains("never read 50 records of retention.events-0 (offsets 100 to 149)");
        assertThat(job.terminate()).isZero();
      }

      List<RetentionGap> gaps = p.cassandraGaps();
      assertThat(gaps)
          .singleElement()
          .satisfies(
              g -> {
                assertThat(g.topic()).isEqualTo(p.topic);
                assertThat(g.fromOffset()).isEqualTo(100);
                assertThat(g.toOffset()).isEqualTo(150);
                assertThat(g.lost()).isEqualTo(50);
              });
      assertThat(p.mongoGaps()).isEqualTo(gaps);
      assertThat(p.cassandraOffsets()).containsExactly(new PartitionOffset(p.topic, 0, 200));
      assertThat(p.mongoOffsets()).containsExactly(new PartitionOffset(p.topic, 0, 200));
      assertThat(p.cassandraRows()).hasSize(150);
      assertThat(p.mongoDocuments())
          .hasSize(150)
          .noneMatch(
              d -> {
                long seq = d.get("seq", Number.class).longValue();
                return seq >= 100 && seq < 150;
              });
    }
  }
}
