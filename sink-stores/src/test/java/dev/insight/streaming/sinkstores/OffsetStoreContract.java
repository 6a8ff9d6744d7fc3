package dev.insight.streaming.sinkstores;

import static org.assertj.core.api.Assertions.assertThat;

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
        List.of(
            new PartitionOffset("b", 0, 5),
            new PartitionOffset("a", 1, 7),
            new PartitionOffset("a", 0, 3)));
    store.write(orders, List.of(new PartitionOffset("a", 1, 9)));

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
            List.of(
                new PartitionOffset("t" + i, 0, i), new PartitionOffset("t" + i, 1, 2L * i + 1)));
      }
    }

    // offsets of a pipeline nobody asked about stay out of the answer
    store.write(new PipelineKey("elsewhere", "stranger"), List.of(new PartitionOffset("s", 0, 1)));

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
}
