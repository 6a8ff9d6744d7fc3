package dev.insight.streaming.sinkstores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every offset store must do, run against each real server by a subclass. */
public abstract class OffsetStoreContract {

  /** A store on its own keyspace/database, not yet created. */
  protected abstract OffsetStore newStore(String location);

  private static int locations;

  private OffsetStore createdStore() {
    OffsetStore store = newStore("offsets_contract_" + (++locations));
    store.createIfMissing();
    store.createIfMissing(); // twice: the job and the operator both call it, in any order
    return store;
  }

  @Test
  void readsBackWhatWasWrittenAndOverwritesPerPartition() {
    OffsetStore store = createdStore();
    PipelineKey orders = new PipelineKey("shop", "orders");
    assertThat(store.read(orders)).isEmpty();

    store.write(
        orders,
        store.claim(orders),
        List.of(
            new PartitionOffset("b", 0, 5),
            new PartitionOffset("a", 1, 7),
            new PartitionOffset("a", 0, 3)));
    store.write(orders, 1, List.of(new PartitionOffset("a", 1, 9)));

    assertThat(store.read(orders))
        .containsExactly(
            new PartitionOffset("a", 0, 3),
            new PartitionOffset("a", 1, 9),
            new PartitionOffset("b", 0, 5));
    assertThat(store.read(new PipelineKey("shop", "payments"))).isEmpty();
    assertThat(store.read(new PipelineKey("other", "orders"))).isEmpty();
  }

  @Test
  void readsAThousandPipelinesInOneCall() {
    OffsetStore store = createdStore();
    List<PipelineKey> pipelines = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      PipelineKey p = new PipelineKey("ns" + (i % 7), "pipeline-" + i);
      pipelines.add(p);
      if (i % 10 != 0) { // every tenth pipeline has stored nothing yet
        store.write(
            p,
            store.claim(p),
            List.of(
                new PartitionOffset("t" + i, 0, i), new PartitionOffset("t" + i, 1, 2L * i + 1)));
      }
    }

    // offsets of a pipeline nobody asked about stay out of the answer
    PipelineKey stranger = new PipelineKey("elsewhere", "stranger");
    store.write(stranger, store.claim(stranger), List.of(new PartitionOffset("s", 0, 1)));

    Map<PipelineKey, List<PartitionOffset>> all = store.readMany(pipelines);

    assertThat(all).hasSize(1000);
    assertThat(all.keySet()).containsExactlyElementsOf(pipelines);
    for (int i = 0; i < 1000; i++) {
      List<PartitionOffset> offsets = all.get(pipelines.get(i));
      if (i % 10 == 0) {
        assertThat(offsets).as("pipeline %d", i).isEmpty();
      } else {
        assertThat(offsets)
            .as("pipeline %d", i)
            .containsExactly(
                new PartitionOffset("t" + i, 0, i), new PartitionOffset("t" + i, 1, 2L * i + 1));
      }
    }
    assertThat(store.readMany(List.of())).isEmpty();
  }

  @Test
  void keepsRetentionGaps() {
    OffsetStore store = createdStore();
    PipelineKey p = new PipelineKey("shop", "orders");
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    store.recordGap(p, new RetentionGap("a", 2, 100, 150, at));
    store.recordGap(p, new RetentionGap("a", 0, 10, 12, at));

    assertThat(store.gaps(p))
        .containsExactly(
            new RetentionGap("a", 0, 10, 12, at), new RetentionGap("a", 2, 100, 150, at));
    assertThat(store.gaps(p).get(1).lost()).isEqualTo(50);
    assertThat(store.gaps(new PipelineKey("shop", "other"))).isEmpty();
  }

  @Test
  void aLaterClaimFencesTheEarlierWriterWithoutLosingWhatItStored() {
    OffsetStore store = createdStore();
    PipelineKey p = new PipelineKey("shop", "fenced");
    long first = store.claim(p);
    assertThat(store.read(p)).as("claimed, nothing stored yet").isEmpty();
    assertThat(store.readMany(List.of(p))).containsEntry(p, List.of());
    store.write(
        p, first, List.of(new PartitionOffset("a", 0, 10), new PartitionOffset("a", 1, 20)));

    long second = store.claim(p);
    assertThat(second).as("epochs only grow").isGreaterThan(first);
    // the zombie: a write to a partition the pipeline holds, and one to a partition it does not
    assertThatThrownBy(() -> store.write(p, first, List.of(new PartitionOffset("a", 0, 99))))
        .isInstanceOf(FencedException.class)
        .hasMessageContaining("epoch " + second);
    assertThatThrownBy(() -> store.write(p, first, List.of(new PartitionOffset("a", 2, 5))))
        .isInstanceOf(FencedException.class);
    assertThat(store.read(p))
        .containsExactly(new PartitionOffset("a", 0, 10), new PartitionOffset("a", 1, 20));

    // the new driver writes on, including partitions nobody stored yet
    store.write(
        p, second, List.of(new PartitionOffset("a", 0, 11), new PartitionOffset("a", 2, 1)));
    assertThat(store.read(p))
        .containsExactly(
            new PartitionOffset("a", 0, 11),
            new PartitionOffset("a", 1, 20),
            new PartitionOffset("a", 2, 1));
    // and a claim for one pipeline does not touch another's writer
    PipelineKey other = new PipelineKey("shop", "unfenced");
    long otherEpoch = store.claim(other);
    store.claim(new PipelineKey("shop", "third"));
    store.write(other, otherEpoch, List.of(new PartitionOffset("b", 0, 3)));
    assertThat(store.read(other)).containsExactly(new PartitionOffset("b", 0, 3));
  }

  @Test
  void racingClaimsEachGetTheirOwnEpoch() throws Exception {
    OffsetStore store = createdStore();
    PipelineKey p = new PipelineKey("shop", "raced");
    List<java.util.concurrent.Future<Long>> claims = new ArrayList<>();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 8; i++) {
        claims.add(pool.submit(() -> store.claim(p)));
      }
      java.util.Set<Long> epochs = new java.util.HashSet<>();
      for (java.util.concurrent.Future<Long> claim : claims) {
        epochs.add(claim.get());
      }
      assertThat(epochs).hasSize(8);
      long newest = java.util.Collections.max(epochs);
      store.write(p, newest, List.of(new PartitionOffset("a", 0, 1)));
      for (long older : epochs) {
        if (older != newest) {
          assertThatThrownBy(() -> store.write(p, older, List.of(new PartitionOffset("a", 0, 2))))
              .isInstanceOf(FencedException.class);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
