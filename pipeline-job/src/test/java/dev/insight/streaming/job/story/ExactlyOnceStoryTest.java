package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.PartitionOffset;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
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
  private static final Pattern STARTING_AT = Pattern.compile("starting at \\{([^}]*)\\}");
  private static final Pattern BATCH_RECORDS = Pattern.compile("batch \\S+ records=(\\d+)");

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
        // before the first start no store exists yet: every partition from its beginning
        Map<String, Long> stored = kills == 0 ? storedMinimum(p, List.of()) : storedMinimum(p);
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
          assertBoundedReplay(job, stored, RECORDS, 4000);
        }
        progressBefore = p.storedProgress();
        assertThat(progressBefore).as("killed %d times mid-stream", kills).isLessThan(RECORDS);
      }

      Map<String, Long> beforeFinal = storedMinimum(p);
      try (JobProcess job = p.startJob("final")) {
        await(
            "all " + RECORDS + " records stored", Duration.ofSeconds(180), job, () -> caughtUp(p));
        // the consumer group follows the stored offsets, for Kafka-based monitoring tools
        Map<TopicPartition, Long> ends = p.endOffsets();
        await(
            "the consumer group's committed offsets at the end offsets",
            Duration.ofSeconds(30),
            job,
            () -> {
              try {
                return ends.equals(committed(p));
              } catch (Exception e) {
                return false;
              }
            });
        assertThat(job.terminate()).isZero();
        assertBoundedReplay(job, beforeFinal, RECORDS, 4000);
      }
      StoryPipeline.assertExactly(p, p.endOffsets());

      // graceful: SIGTERM while records are still coming in
      p.produce(RECORDS, RECORDS + 40_000, PARTITIONS);
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
          .isLessThan(RECORDS + 40_000);
      StoryPipeline.assertExactly(
          p, StoryPipeline.asMap(stored)); // the sinks hold precisely what the stored offsets say

      try (JobProcess job = p.startJob("after-sigterm")) {
        await("the rest stored", Duration.ofSeconds(120), job, () -> caughtUp(p));
        assertThat(job.terminate()).isZero();
      }
      StoryPipeline.assertExactly(p, p.endOffsets());
    }
  }

  /**
   * Per partition ("topic-partition"), the stored offset of the store furthest behind; a partition
   * a store does not hold yet counts from its beginning (startingOffsets earliest).
   */
  private static Map<String, Long> storedMinimum(StoryPipeline p) {
    return storedMinimum(p, List.of(p.cassandraOffsets(), p.mongoOffsets()));
  }

  private static Map<String, Long> storedMinimum(
      StoryPipeline p, List<List<PartitionOffset>> stores) {
    Map<String, Long> min = new TreeMap<>();
    for (int partition = 0; partition < PARTITIONS; partition++) {
      min.put(p.topic() + "-" + partition, stores.isEmpty() ? 0L : Long.MAX_VALUE);
    }
    for (List<PartitionOffset> store : stores) {
      Map<String, Long> offsets = new HashMap<>();
      store.forEach(o -> offsets.put(o.topic() + "-" + o.partition(), o.offset()));
      for (int partition = 0; partition < PARTITIONS; partition++) {
        String tp = p.topic() + "-" + partition;
        min.merge(tp, offsets.getOrDefault(tp, 0L), Math::min);
      }
    }
    return min;
  }

  /**
   * The restarted job began exactly where the offset stores said, and read no more than what lay
   * after them plus one batch's worth (at {@code maxRatePerPartition} per partition for the 1 s
   * batch): a job that ignored its stored offsets and re-read every partition fails here, though
   * its upserts would leave the sinks right.
   */
  private static void assertBoundedReplay(
      JobProcess job, Map<String, Long> stored, long produced, long maxRatePerPartition) {
    String log = job.log();
    Matcher start = STARTING_AT.matcher(log);
    assertThat(start.find()).as("the job logs where it starts:%n%s", log).isTrue();
    Map<String, Long> startedAt = new TreeMap<>();
    for (String entry : start.group(1).split(",\\s*")) {
      String[] kv = entry.split("=");
      startedAt.put(kv[0].trim(), Long.parseLong(kv[1].trim()));
    }
    assertThat(startedAt).as("where the job started").isEqualTo(stored);
    long read = 0;
    Matcher batch = BATCH_RECORDS.matcher(log);
    while (batch.find()) {
      read += Long.parseLong(batch.group(1));
    }
    long remaining = produced - stored.values().stream().mapToLong(Long::longValue).sum();
    assertThat(read)
        .as("records the job read, against %d after its stored offsets", remaining)
        .isLessThanOrEqualTo(remaining + maxRatePerPartition * PARTITIONS);
  }

  private static Map<TopicPartition, Long> committed(StoryPipeline p) throws Exception {
    String group =
        p.config().path("pipeline").path("namespace").asText()
            + "."
            + p.config().path("pipeline").path("name").asText();
    Map<TopicPartition, Long> offsets = new HashMap<>();
    p.admin()
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .forEach((tp, om) -> offsets.put(tp, om.offset()));
    return offsets;
  }

  private static boolean caughtUp(StoryPipeline p) {
    try {
      return p.caughtUp();
    } catch (Exception e) {
      return false;
    }
  }
}
