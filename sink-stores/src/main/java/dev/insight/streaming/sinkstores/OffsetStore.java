package dev.insight.streaming.sinkstores;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A sink's record of what a pipeline has written into it: per (pipeline, topic, partition) the next
 * offset to read.
 *
 * <p>The job writes a batch's end offsets after that batch's rows, so a stored offset never runs
 * ahead of the rows; the operator's lag monitor reads them. One store holds every pipeline of a
 * sink cluster, so {@link #readMany(Collection)} answers for all of them in one query.
 *
 * <p>Writers are fenced: a driver {@linkplain #claim claims} the pipeline when it starts and gets
 * an epoch above every earlier claim, and its offset writes succeed only while no later claim
 * exists. A driver that lost its node but not its process can therefore not move the offsets under
 * its replacement.
 */
public interface OffsetStore {

  /**
   * Creates the store's tables/collections and indexes when missing; safe to call concurrently and
   * repeatedly.
   */
  void createIfMissing();

  /**
   * Makes the caller the pipeline's only offset writer: returns an epoch greater than any earlier
   * claim's. From then on, writes with an older epoch throw {@link FencedException}. Safe to call
   * concurrently: of two racing claims, each gets its own epoch and the later one wins.
   */
  long claim(PipelineKey pipeline);

  /**
   * Stores a batch's end offsets for a pipeline, replacing what was stored for those partitions, if
   * {@code epoch} is still the pipeline's newest claim.
   *
   * @throws FencedException when a later claim exists
   */
  void write(PipelineKey pipeline, long epoch, Collection<PartitionOffset> endOffsets);

  /**
   * Every stored offset of one pipeline, in topic and partition order; empty when nothing was
   * stored yet.
   */
  List<PartitionOffset> read(PipelineKey pipeline);

  /**
   * Stored offsets of many pipelines with one query; pipelines with nothing stored map to an empty
   * list.
   */
  Map<PipelineKey, List<PartitionOffset>> readMany(Collection<PipelineKey> pipelines);

  /** Records records lost to retention, so the loss stays visible after the log lines are gone. */
  void recordGap(PipelineKey pipeline, RetentionGap gap);

  /** Every retention gap recorded for a pipeline, oldest offsets first. */
  List<RetentionGap> gaps(PipelineKey pipeline);
}
