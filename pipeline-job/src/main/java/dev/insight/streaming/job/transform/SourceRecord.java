package dev.insight.streaming.job.transform;

/** A Kafka record as the transform sees it: where it came from and its raw value. */
public record SourceRecord(String topic, int partition, long offset, long timestamp, byte[] value) {

  /** The id used when no key fields are configured; unique per record and stable across replays. */
  public String coordinates() {
    return topic + "/" + partition + "/" + offset;
  }
}
