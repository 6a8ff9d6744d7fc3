package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.jobconfig.JobContract;
import dev.insight.streaming.sinkstores.PartitionOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Story: a zombie driver. The first driver keeps running when a second driver of the same pipeline
 * starts (as after a node that lost contact but kept its processes); the second claims the offset
 * stores, the first is fenced at its next offset write and stops itself, and nothing is lost,
 * duplicated or moved backwards.
 */
@ExtendWith(SharedServersExtension.class)
class FencingStoryTest {

  private static final int PARTITIONS = 4;
  private static final int RECORDS = 45_000;

  @Test
  void aSecondDriverFencesTheFirstAndNothingIsLostOrMovedBack(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    try (StoryPipeline p = new StoryPipeline("fencing", PARTITIONS, kafka, cassandra, mongo);
        OffsetWatch watch = new OffsetWatch(p)) {
      // slow enough that the first driver is still mid-stream when the second has started
      p.config().with("stream").put("maxRatePerPartition", 300);
      p.produce(0, RECORDS, PARTITIONS);

      try (JobProcess first = p.startJob("first")) {
        await(
            "the first driver's progress",
            Duration.ofSeconds(120),
            first,
            () -> p.storedProgress() > 0);
        watch.start();
        // the claim comes at the second driver's start, whatever its rate: it may go fast
        p.config().with("stream").put("maxRatePerPartition", 4000);
        try (JobProcess second = p.startJob("second")) {
          await(
              "the second driver's claim",
              Duration.ofSeconds(120),
              second,
              () -> second.log().contains("claimed the mongodb offset store"));
          assertThat(first.awaitExit(Duration.ofSeconds(60)))
              .as("the first driver's exit code; its log:%n%s", StoryPipeline.tail(first.log()))
              .isEqualTo(JobContract.EXIT_FENCED);
          assertThat(first.log()).contains("FENCED").contains("epoch");
          assertThat(second.isAlive()).as("the newer driver runs on").isTrue();

          await("every record stored", Duration.ofSeconds(240), second, () -> caughtUp(p));
          assertThat(second.terminate()).isZero();
        }
      }
      watch.stop();
      assertThat(watch.regressions()).as("stored offsets that moved backwards").isEmpty();
      assertThat(watch.samples()).as("offset samples taken during the overlap").isGreaterThan(20);
      StoryPipeline.assertExactly(p, p.endOffsets());
    }
  }

  private static boolean caughtUp(StoryPipeline p) {
    try {
      return p.caughtUp();
    } catch (Exception e) {
      return false;
    }
  }

  /** Samples both offset stores every 100 ms and records every offset that went down. */
  private static final class OffsetWatch implements AutoCloseable {
    private final StoryPipeline p;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<String> regressions = new ArrayList<>();
    private final Map<String, Long> last = new HashMap<>();
    private final Thread thread;
    private int samples;

    OffsetWatch(StoryPipeline p) {
      this.p = p;
      this.thread = new Thread(this::run, "offset-watch");
      thread.setDaemon(true);
    }

    void start() {
      running.set(true);
      thread.start();
    }

    private void run() {
      while (running.get()) {
        try {
          sample("cassandra", p.cassandraOffsets());
          sample("mongodb", p.mongoOffsets());
          synchronized (this) {
            samples++;
          }
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // a read timing out under load says nothing about the stores' content: sample again
        }
      }
    }

    private synchronized void sample(String store, List<PartitionOffset> offsets) {
      for (PartitionOffset o : offsets) {
        String key = store + " " + o.topic() + "-" + o.partition();
        Long before = last.put(key, o.offset());
        if (before != null && o.offset() < before) {
          regressions.add(key + ": " + before + " -> " + o.offset());
        }
      }
    }

    synchronized List<String> regressions() {
      return List.copyOf(regressions);
    }

    synchronized int samples() {
      return samples;
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.interrupt();
      thread.join(5000);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
