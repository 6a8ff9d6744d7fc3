package dev.insight.streaming.operator.lag;

import java.time.Duration;

/**
 * The recent samples (time, processed offset, end offset) of one topic partition, oldest first,
 * kept in primitive arrays so that thousands of partitions cost little heap. It keeps every sample
 * inside the window plus the newest one before it, so a full window is really covered; when a
 * window holds more samples than fit, the inner sample whose neighbours lie closest together goes,
 * so the samples thin out evenly and the window keeps its length.
 */
public final class PartitionWindow {

  static final int CAPACITY = 64;
  private static final long NEVER = Long.MIN_VALUE;

  private final String topic;
  private final int partition;
  private final long[] at = new long[CAPACITY];
  private final long[] processed = new long[CAPACITY];
  private final long[] end = new long[CAPACITY];
  private int head;
  private int size;
  private long movedAt = NEVER;
  private long waitingSince = NEVER;
  private String error;

  public PartitionWindow(String topic, int partition) {
    this.topic = topic;
    this.partition = partition;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  /**
   * Adds this cycle's reading. A processed or end offset that went backwards (offsets reset, topic
   * re-created) starts the window afresh, since nothing before it compares.
   */
  public void add(long atMillis, long processedOffset, long endOffset, Duration window) {
    error = null;
    if (size > 0 && (processedOffset < processed(size - 1) || endOffset < end(size - 1))) {
      clear();
    }
    boolean moved = size == 0 || processedOffset != processed(size - 1);
    if (moved) {
      movedAt = atMillis;
    }
    if (endOffset <= processedOffset) {
      waitingSince = NEVER;
    } else if (moved || waitingSince == NEVER) {
      waitingSince = atMillis;
    }
    append(atMillis, processedOffset, endOffset);
    long cutoff = atMillis - window.toMillis();
    while (size >= 2 && at(1) <= cutoff) {
      head = (head + 1) % CAPACITY;
      size--;
    }
  }

  /**
   * Marks this cycle's reading as failed; the samples stay, so figures resume once reads work
   * again.
   */
  public void fail(String reason) {
    error = reason;
  }

  /** Why this cycle's reading failed, or null when it worked. */
  public String error() {
    return error;
  }

  public int size() {
    return size;
  }

  /** Time of sample {@code i} (0 = oldest) in epoch milliseconds. */
  public long at(int i) {
    return at[index(i)];
  }

  public long processed(int i) {
    return processed[index(i)];
  }

  public long end(int i) {
    return end[index(i)];
  }

  /** Lag of sample {@code i}: end - processed, never negative. */
  public long lag(int i) {
    return Math.max(0, end(i) - processed(i));
  }

  /**
   * When the processed offset last changed (its first sighting counts), or {@link Long#MIN_VALUE}.
   */
  public long movedAt() {
    return movedAt;
  }

  /**
   * Since when the processed offset has stood still with records waiting behind it: the first
   * sample of the current run of samples with lag > 0 and an unchanged processed offset; {@link
   * Long#MIN_VALUE} when caught up.
   */
  public long waitingSince() {
    return waitingSince;
  }

  private void append(long atMillis, long processedOffset, long endOffset) {
    if (size == CAPACITY) {
      int drop = 1;
      for (int i = 2; i < size - 1; i++) {
        if (at(i + 1) - at(i - 1) < at(drop + 1) - at(drop - 1)) {
          drop = i;
        }
      }
      for (int i = drop; i < size - 1; i++) {
        int to = index(i);
        int from = index(i + 1);
        at[to] = at[from];
        processed[to] = processed[from];
        end[to] = end[from];
      }
      size--;
    }
    int i = index(size);
    at[i] = atMillis;
    processed[i] = processedOffset;
    end[i] = endOffset;
    size++;
  }

  private void clear() {
    head = 0;
    size = 0;
    movedAt = NEVER;
    waitingSince = NEVER;
  }

  private int index(int i) {
    if (i < 0 || i >= size + 1 || i >= CAPACITY) {
      throw new IndexOutOfBoundsException(i);
    }
    return (head + i) % CAPACITY;
  }
}
