package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Story: good records land in both sinks field by field; malformed ones go to the dead-letter topic
 * with their reason.
 */
@ExtendWith(SharedServersExtension.class)
class DeliveryStoryTest {

  @Test
  void goodRecordsLandInBothSinksAndMalformedOnesInTheDeadLetterTopic(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    try (StoryPipeline p = new StoryPipeline("delivery", 2, kafka, cassandra, mongo)) {
      p.config().with("transform").putArray("keyFields").add("seq");
      Map<String, String> malformed = new HashMap<>();
      malformed.put("this is not json", "not JSON");
      malformed.put("{\"customer\":{\"name\":\"x\"}}", "key field 'seq' is missing");
      malformed.put("{\"seq\":\"seven\"}", "field 'seq' (from 'seq'): \"seven\" is not a long");
      malformed.put(
          "{\"seq\":5000,\"paid\":\"maybe\"}",
          "field 'paid' (from 'paid'): \"maybe\" is not a boolean");
      int good = 1000;
      p.produce(0, good / 2, 2);
      malformed.keySet().forEach(v -> p.produceRaw(1, v));
      p.produce(good / 2, good, 2);

      try (JobProcess job = p.startJob("run")) {
        await(
            "every record processed",
            Duration.ofSeconds(120),
            job,
            () -> {
              try {
                return p.caughtUp();
              } catch (Exception e) {
                return false;
              }
            });

        List<Row> rows = p.cassandraRows();
        assertThat(rows).hasSize(good);
        Set<Long> seqs = new TreeSet<>();
        for (Row row : rows) {
          StoryPipeline.assertCassandraRowMatchesItsRecord(row);
          assertThat(row.getString("id")).isEqualTo(Long.toString(row.getLong("seq")));
          seqs.add(row.getLong("seq"));
        }
        assertThat(seqs).hasSize(good).first().isEqualTo(0L);
        List<Document> docs = p.mongoDocuments();
        assertThat(docs).hasSize(good);
        for (Document doc : docs) {
          StoryPipeline.assertMongoDocumentMatchesItsRecord(doc);
          assertThat(doc.getString("_id")).isEqualTo(doc.get("seq").toString());
        }

        Map<String, String> deadLetters =
            deadLetters(kafka, "stories.delivery.dlq", malformed.size());
        assertThat(deadLetters).hasSize(malformed.size());
        malformed.forEach(
            (value, reason) -> assertThat(deadLetters.get(value)).as(value).startsWith(reason));
        assertThat(job.log()).contains("rejected=4");

        assertThat(job.terminate()).as("exit code after SIGTERM").isZero();
        assertThat(job.log()).contains("stopped gracefully");
      }
    }
  }

  /** Original value -> reason header, read from the dead-letter topic. */
  private static Map<String, String> deadLetters(EmbeddedKafka kafka, String topic, int expected) {
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    Map<String, String> found = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.currentTimeMillis() + 30_000;
      while (found.size() < expected && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          assertThat(
                  new String(
                      r.headers().lastHeader("dlq.source.topic").value(), StandardCharsets.UTF_8))
              .isEqualTo("delivery.events");
          found.put(
              new String(r.value(), StandardCharsets.UTF_8),
              new String(r.headers().lastHeader("dlq.reason").value(), StandardCharsets.UTF_8));
        }
      }
    }
    return found;
  }
}
