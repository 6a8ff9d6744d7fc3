package dev.insight.streaming.sinkstores;

/**
 * An offset write by a driver whose claim is no longer the newest: another driver of the same
 * pipeline claimed the store after it, and only that one may move the pipeline's offsets now.
 */
public final class FencedException extends RuntimeException {

  private final long epoch;
  private final long newerEpoch;

  /**
   * @param newerEpoch the epoch the store holds now, or -1 when the store did not say
   */
  public FencedException(PipelineKey pipeline, long epoch, long newerEpoch) {
    super(
        "pipeline "
            + pipeline
            + ": the offset store belongs to a newer driver (epoch "
            + (newerEpoch < 0 ? "unknown" : Long.toString(newerEpoch))
            + ", this driver's is "
            + epoch
            + "); this driver may no longer store offsets");
    this.epoch = epoch;
    this.newerEpoch = newerEpoch;
  }

  public long epoch() {
    return epoch;
  }

  public long newerEpoch() {
    return newerEpoch;
  }
}
