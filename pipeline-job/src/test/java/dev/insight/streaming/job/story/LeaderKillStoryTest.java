package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.assertExactly;
import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafkaCluster;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.PartitionOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Story: on a three-node cluster (topic replication factor 3, {@code min.insync.replicas=2}), the
 * broker leading a partition is SIGKILLed while records are produced and the job writes them, and
 * started again later. Every acknowledged record lands exactly once in both sinks.
 */
@ExtendWith(SharedServersExtension.class)
class LeaderKillStoryTest {

  private static final int PARTITIONS = 4;
  private static final int RECORDS = 24_000;

  /** Records per second the producer offers: the production spans the outage. */
  private static final int RATE = 1_200;

  /** An acknowledged record: where the cluster says it stored it. */
  private record Ack(long seq, int partition, long offset) {}

  @Test
  void everyAcknowledgedRecordLandsExactlyOnceThroughTheLeadersDeath(
      EmbeddedKafkaCluster kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo)
      throws Exception {
    try (StoryPipeline p = new StoryPipeline("leader-kill", PARTITIONS, kafka, cassandra, mongo)) {
      p.config().with("stream").put("maxRatePerPartition", 2000);
      Map<Long, Ack> acked = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
      AtomicLong sent = new AtomicLong();
      Thread producer =
          new Thread(() -> produceSteadily(p, acked, failed, sent), "leader-kill-story-producer");
      List<JobProcess> runs = new ArrayList<>();
      JobProcess job = p.startJob("run-0");
      runs.add(job);
      try {
        producer.start();
        await(
            "the job storing offsets", Duration.ofSeconds(120), job, () -> p.storedProgress() > 0);
        await(
            "a quarter of the records produced",
            Duration.ofSeconds(60),
            null,
            () -> sent.get() > RECORDS / 4);
        int dead = kafka.leaderOf(p.topic(), 0);
        long storedAtKill = storedOffset(p, 0);
        kafka.kill(dead);
        long killedAt = System.nanoTime();

        // another in-sync replica takes over once the dead node is fenced, and the job goes on
        // reading that partition from it while the node stays dead
        await(
            "a new leader of partition 0",
            Duration.ofSeconds(60),
            job,
            () -> kafka.leaderOf(p.topic(), 0) != dead && kafka.leaderOf(p.topic(), 0) != -1);
        await(
            "partition 0 stored beyond " + storedAtKill + " with node " + dead + " dead",
            Duration.ofSeconds(90),
            job,
            () -> storedOffset(p, 0) > storedAtKill + 1000);
        assertThat(kafka.isRunning(dead)).isFalse();
        long downFor = Duration.ofNanos(System.nanoTime() - killedAt).toSeconds();
        Duration restart = kafka.restart(dead);
        System.out.printf(
            "node %d was down %d s; restarted in %d ms%n", dead, downFor, restart.toMillis());
        kafka.awaitInSync(p.topic(), Duration.ofSeconds(90));

        producer.join(120_000);
        assertThat(producer.isAlive()).as("producer finished").isFalse();
        p.flush();
        assertThat(failed).as("sends the producer gave up on").isEmpty();
        assertThat(acked).hasSize(RECORDS);

        // the job may have died on its own where a pod's restart policy would start it again
        while (!caughtUp(p)) {
          if (!job.isAlive()) {
            job = p.startJob("run-" + runs.size());
            runs.add(job);
          }
          assertThat(runs).as("job runs").hasSizeLessThanOrEqualTo(3);
          await(
              "all records stored",
              Duration.ofSeconds(180),
              null,
              () -> caughtUp(p) || !runs.get(runs.size() - 1).isAlive());
        }
        assertThat(job.terminate()).as("exit code after SIGTERM").isZero();
        System.out.printf("job runs: %d%n", runs.size());
      } finally {
        producer.interrupt();
        producer.join(10_000);
        for (JobProcess run : runs) {
          run.close();
        }
        kafka.restartStopped();
      }

      // the log holds exactly the acknowledged records, each once, at the offsets acknowledged
      Map<TopicPartition, Long> ends = p.endOffsets();
      Map<TopicPartition, Long> ackedPerPartition = new HashMap<>();
      acked
          .values()
          .forEach(
              a ->
                  ackedPerPartition.merge(
                      new TopicPartition(p.topic(), a.partition()), 1L, Long::sum));
      assertThat(ends).isEqualTo(ackedPerPartition);
      // each sink: one row per offset and nothing else, content right, stored offsets = ends
      assertExactly(p, ends);
      // and each acknowledged record is the row at its acknowledged position
      Map<String, Long> cassandraSeq = new HashMap<>();
      for (Row row : p.cassandraRows()) {
        cassandraSeq.put(row.getString("id"), row.getLong("seq"));
      }
      Map<String, Long> mongoSeq = new HashMap<>();
      for (Document doc : p.mongoDocuments()) {
        mongoSeq.put(doc.getString("_id"), doc.get("seq", Number.class).longValue());
      }
      for (Ack a : acked.values()) {
        String id = p.topic() + "/" + a.partition() + "/" + a.offset();
        assertThat(cassandraSeq.get(id)).as("Cassandra row %s", id).isEqualTo(a.seq());
        assertThat(mongoSeq.get(id)).as("MongoDB document %s", id).isEqualTo(a.seq());
      }
    }
  }

  /** Sends records 0..RECORDS-1 round-robin at about RATE per second; counts only what is acked. */
  private static void produceSteadily(
      StoryPipeline p,
      Map<Long, Ack> acked,
      ConcurrentLinkedQueue<String> failed,
      AtomicLong sent) {
    long started = System.nanoTime();
    for (long seq = 0; seq < RECORDS; seq++) {
      long due = started + seq * 1_000_000_000L / RATE;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
      long s = seq;
      p.send(
          s,
          (int) (s % PARTITIONS),
          (metadata, error) -> {
            if (error == null) {
              acked.put(s, new Ack(s, metadata.partition(), metadata.offset()));
            } else {
              failed.add(s + ": " + error);
            }
          });
      sent.incrementAndGet();
    }
  }

  /** The partition's stored offset in the store furthest behind (0 before either has one). */
  private static long storedOffset(StoryPipeline p, int partition) {
    long cassandra = offsetOf(p.cassandraOffsets(), p.topic(), partition);
    long mongo = offsetOf(p.mongoOffsets(), p.topic(), partition);
    return Math.min(cassandra, mongo);
  }

  private static long offsetOf(List<PartitionOffset> offsets, String topic, int partition) {
    return offsets.stream()
        .filter(o -> o.topic().equals(topic) && o.partition() == partition)
        .mapToLong(PartitionOffset::offset)
        .findFirst()
        .orElse(0L);
  }

  private static boolean caughtUp(StoryPipeline p) {
    try {
      return p.caughtUp();
    } catch (Exception e) {
      return false;
    }
  }
}
