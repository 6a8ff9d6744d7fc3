package dev.insight.streaming.job.transform;

/**
 * Which of two records for one row is newer: the Kafka timestamp first, then the partition, then
 * the offset.
 *
 * <p>The timestamp comes first because it is the only order that spans partitions: two producers
 * writing one key to two partitions agree on time, not on offsets. Within one millisecond the
 * partition and then the offset make the order total, so every replay, in any batch shape, picks
 * the same winner; within one partition, offset order is the order the broker appended in.
 */
public record RowVersion(long timestamp, int partition, long offset)
    implements Comparable<RowVersion> {

  // microseconds per millisecond: Cassandra write times are microseconds since the epoch
  private static final int SLOTS_PER_MILLISECOND = 1000;

  // fixed widths so that text order is version order
  private static final int TIMESTAMP_DIGITS = 13;
  private static final int PARTITION_DIGITS = 10;
  private static final int OFFSET_DIGITS = 19;

  /** A record without a timestamp (-1 in old message formats) counts as the oldest time. */
  public RowVersion {
    timestamp = Math.max(0, timestamp);
  }

  public static RowVersion of(SourceRecord record) {
    return new RowVersion(record.timestamp(), record.partition(), record.offset());
  }

  @Override
  public int compareTo(RowVersion other) {
    int byTime = Long.compare(timestamp, other.timestamp);
    if (byTime != 0) {
      return byTime;
    }
    int byPartition = Integer.compare(partition, other.partition);
    return byPartition != 0 ? byPartition : Long.compare(offset, other.offset);
  }

  /**
   * The Cassandra write time (microseconds): the timestamp, with the offset's last three digits as
   * the microseconds. Cassandra keeps the cell with the higher write time, so an older record
   * replayed later never replaces a newer one. A single number cannot hold the whole version: two
   * versions in one millisecond are ordered by the offset modulo 1000 (exact within a partition
   * unless the offsets straddle a multiple of 1000).
   */
  public long cassandraWriteTime() {
    return timestamp * SLOTS_PER_MILLISECOND + offset % SLOTS_PER_MILLISECOND;
  }

  /** The version as text whose order is the version order (MongoDB compares strings bytewise). */
  public String text() {
    char[] text = new char[TIMESTAMP_DIGITS + PARTITION_DIGITS + OFFSET_DIGITS + 2];
    int at = TIMESTAMP_DIGITS;
    if (digits(text, at, timestamp, TIMESTAMP_DIGITS)) {
      text[at] = '/';
      at += 1 + PARTITION_DIGITS;
      if (digits(text, at, partition, PARTITION_DIGITS)) {
        text[at] = '/';
        at += 1 + OFFSET_DIGITS;
        if (digits(text, at, offset, OFFSET_DIGITS)) {
          return new String(text);
        }
      }
    }
    return wideText(); // a value wider than its column (a timestamp past the year 2286)
  }

  // writes value's digits right-aligned in the width chars before end, zero-padded; false when
  // they do not fit
  private static boolean digits(char[] text, int end, long value, int width) {
    for (int i = end - 1; i >= end - width; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return value == 0;
  }

  private String wideText() {
    StringBuilder s = new StringBuilder(TIMESTAMP_DIGITS + PARTITION_DIGITS + OFFSET_DIGITS + 2);
    pad(s, timestamp, TIMESTAMP_DIGITS).append('/');
    pad(s, partition, PARTITION_DIGITS).append('/');
    return pad(s, offset, OFFSET_DIGITS).toString();
  }

  private static StringBuilder pad(StringBuilder s, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      s.append('0');
    }
    return s.append(digits);
  }
}
