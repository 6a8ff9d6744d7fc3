package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.PartitionOffset;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Story: 200,000 records, the job SIGKILLed at random moments and restarted, then stopped with
 * SIGTERM mid-stream.
 */
@ExtendWith(SharedServersExtension.class)
class ExactlyOnceStoryTest {

  private static final int PARTITIONS = 4;
  private static final int RECORDS = 200_000;

  @Test
  void everyRecordLandsExactlyOnceThroughKillsAndAGracefulStop(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    Random random = new Random();
    try (StoryPipeline p = new StoryPipeline("exactly-once", PARTITIONS, kafka, cassandra, mongo)) {
      // default ids (topic/partition/offset): a duplicate or a loss shows up as a wrong id set
      p.config().with("stream").put("maxRatePerPartition", 4000);
      p.produce(0, RECORDS, PARTITIONS);

      int kills = 0;
      long progressBefore = 0;
      while (kills < 3) {
        try (JobProcess job = p.startJob("kill-" + kills)) {
          long floor = progressBefore;
          await(
              "progress beyond " + floor,
              Duration.ofSeconds(120),
              job,
              () -> p.storedProgress() > floor);
          Thread.sleep(
              500 + random.nextInt(2500)); // land anywhere in a batch: rows, offsets, or between
          job.kill();
          kills++;
        }
        progressBefore = p.storedProgress();
        assertThat(progressBefore).as("killed %d times mid-stream", kills).isLessThan(RECORDS);
      }

      try (JobProcess job = p.startJob("final")) {
        await(
            "all " + RECORDS + " records stored", Duration.ofSeconds(180), job, () -> caughtUp(p));
        assertThat(job.terminate()).isZero();
      }
      assertExactly(p, p.endOffsets());

      // graceful: SIGTERM while records are still coming in
      p.produce(RECORDS, RECORDS + 60_000, PARTITIONS);
      // slower than the job can go, so no backlog of generated batches builds up (a graceful stop
      // finishes those)
      p.config().with("stream").put("maxRatePerPartition", 1000);
      try (JobProcess job = p.startJob("sigterm")) {
        await(
            "progress after restart",
            Duration.ofSeconds(120),
            job,
            () -> p.storedProgress() > RECORDS);
        assertThat(job.terminate()).as("exit code after SIGTERM").isZero();
      }
      List<PartitionOffset> stored = p.cassandraOffsets();
      assertThat(p.mongoOffsets()).isEqualTo(stored);
      assertThat(stored.stream().mapToLong(PartitionOffset::offset).sum())
          .as("stopped mid-stream")
          .isLessThan(RECORDS + 60_000);
      assertExactly(
          p, StoryPipeline.asMap(stored)); // the sinks hold precisely what the stored offsets say

      try (JobProcess job = p.startJob("after-sigterm")) {
        await("the rest stored", Duration.ofSeconds(120), job, () -> caughtUp(p));
        assertThat(job.terminate()).isZero();
      }
      assertExactly(p, p.endOffsets());
    }
  }

  private static boolean caughtUp(StoryPipeline p) {
    try {
      return p.caughtUp();
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Each sink holds one row per record below the offsets, and nothing else, with the right content.
   */
  private static void assertExactly(StoryPipeline p, Map<TopicPartition, Long> offsets) {
    Set<String> expected = new HashSet<>();
    offsets.forEach(
        (tp, end) -> {
          for (long o = 0; o < end; o++) {
            expected.add(tp.topic() + "/" + tp.partition() + "/" + o);
          }
        });
    List<Row> rows = p.cassandraRows();
    Set<String> cassandraIds = new HashSet<>();
    for (Row row : rows) {
      cassandraIds.add(row.getString("id"));
      StoryPipeline.assertCassandraRowMatchesItsRecord(row);
    }
    assertThat(rows).hasSize(expected.size());
    assertThat(cassandraIds).isEqualTo(expected);

    List<Document> docs = p.mongoDocuments();
    Set<String> mongoIds = new HashSet<>();
    for (Document doc : docs) {
      mongoIds.add(doc.getString("_id"));
      StoryPipeline.assertMongoDocumentMatchesItsRecord(doc);
    }
    assertThat(docs).hasSize(expected.size());
    assertThat(mongoIds).isEqualTo(expected);
    assertThat(StoryPipeline.asMap(p.cassandraOffsets())).isEqualTo(offsets);
    assertThat(StoryPipeline.asMap(p.mongoOffsets())).isEqualTo(offsets);
  }
}
