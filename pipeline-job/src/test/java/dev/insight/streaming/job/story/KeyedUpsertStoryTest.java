package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Story: rows keyed by a field, many versions per key, written from two partitions in an order
 * unrelated to their timestamps; the job is killed mid-stream, restarted, and later made to replay
 * the whole topic. Each key must end up holding its newest record (highest Kafka timestamp), which
 * no order of arrival decides.
 */
@ExtendWith(SharedServersExtension.class)
class KeyedUpsertStoryTest {

  private static final int PARTITIONS = 2;
  private static final int RECORDS = 30_000;
  private static final int KEYS = 97; // StoryPipeline's records: customer = "customer-" + seq % 97

  @Test
  void eachKeyHoldsItsNewestRecordWhateverTheOrderOfArrival(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    try (StoryPipeline p =
        new StoryPipeline("keyed-upserts", PARTITIONS, kafka, cassandra, mongo)) {
      p.config().with("transform").putArray("keyFields").add("customer");
      p.config().with("stream").put("maxRatePerPartition", 3000);

      // a record's timestamp grows with its seq, so a key's newest record is its highest seq; the
      // records go out shuffled, each to a random partition: offsets say nothing about age
      long base = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
      List<Long> order = new ArrayList<>();
      for (long seq = 0; seq < RECORDS; seq++) {
        order.add(seq);
      }
      Random random = new Random(16);
      Collections.shuffle(order, random);
      for (long seq : order) {
        p.sendAt(random.nextInt(PARTITIONS), base + seq * 5, seq);
      }
      p.flush();

      try (JobProcess job = p.startJob("killed")) {
        await("progress", Duration.ofSeconds(120), job, () -> p.storedProgress() > 0);
        Thread.sleep(1500 + random.nextInt(1500));
        job.kill();
      }
      assertThat(p.storedProgress()).as("killed mid-stream").isLessThan(RECORDS);
      try (JobProcess job = p.startJob("restarted")) {
        await("every record stored", Duration.ofSeconds(180), job, () -> caughtUp(p));
        assertThat(job.terminate()).isZero();
      }
      assertNewestPerKey(p);

      // a full replay (offsets lost, or reprocessing on purpose): older versions arrive after the
      // newest ones were stored, and must not replace them
      p.forgetStoredOffsets();
      try (JobProcess job = p.startJob("replay")) {
        await("the replay stored", Duration.ofSeconds(180), job, () -> caughtUp(p));
        assertThat(job.terminate()).isZero();
        assertThat(job.log()).contains("records=");
      }
      assertNewestPerKey(p);
    }
  }

  private static void assertNewestPerKey(StoryPipeline p) {
    Map<String, Long> newest = new HashMap<>();
    for (long seq = 0; seq < RECORDS; seq++) {
      newest.merge("customer-" + (seq % KEYS), seq, Math::max);
    }
    List<Row> rows = p.cassandraRows();
    assertThat(rows).hasSize(KEYS);
    for (Row row : rows) {
      StoryPipeline.assertCassandraRowMatchesItsRecord(row);
      assertThat(row.getLong("seq"))
          .as("Cassandra: the record held for %s", row.getString("id"))
          .isEqualTo(newest.get(row.getString("id")));
    }
    List<Document> docs = p.mongoDocuments();
    assertThat(docs).hasSize(KEYS);
    for (Document doc : docs) {
      StoryPipeline.assertMongoDocumentMatchesItsRecord(doc);
      assertThat(doc.get("seq", Number.class).longValue())
          .as("MongoDB: the record held for %s", doc.getString("_id"))
          .isEqualTo(newest.get(doc.getString("_id")));
      assertThat(doc.getString("_version")).matches("\\d{13}/\\d{10}/\\d{19}");
    }
  }

  private static boolean caughtUp(StoryPipeline p) {
    try {
      return p.caughtUp();
    } catch (Exception e) {
      return false;
    }
  }
}
