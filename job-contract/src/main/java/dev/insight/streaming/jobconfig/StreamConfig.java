package dev.insight.streaming.jobconfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Batch pacing: interval, per-partition rate cap, backpressure, and how often to look for added
 * partitions.
 */
public record StreamConfig(
    String batchInterval,
    Long maxRatePerPartition,
    Boolean backpressure,
    String partitionDiscoveryInterval)
    implements Serializable {

  /**
   * With backpressure on: records per second, over all partitions, that the batches generated
   * before the first one finishes may read (spark.streaming.backpressure.initialRate, which a
   * user's sparkConf can set instead).
   */
  public static final String BACKPRESSURE_INITIAL_RATE = "20000";

  private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");
  private static final Pattern DURATIONS = Pattern.compile("(" + DURATION.pattern() + ")+");

  public StreamConfig {
    batchInterval = batchInterval == null ? "5s" : batchInterval;
    backpressure = backpressure == null ? Boolean.TRUE : backpressure;
    partitionDiscoveryInterval =
        partitionDiscoveryInterval == null ? "30s" : partitionDiscoveryInterval;
  }

  static StreamConfig defaults() {
    return new StreamConfig(null, null, null, null);
  }

  /** The batch interval as a duration. */
  public Duration batchIntervalDuration() {
    return parse(batchInterval);
  }

  /** How often the job lists the topics' partitions to pick up added ones. */
  public Duration partitionDiscoveryDuration() {
    return parse(partitionDiscoveryInterval);
  }

  /** Parses {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 2h}. */
  static Duration parse(String text) {
    if (!DURATIONS.matcher(text).matches()) {
      throw new IllegalArgumentException("not a duration like 500ms, 5s or 1m30s: " + text);
    }
    Duration total = Duration.ZERO;
    Matcher m = DURATION.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    return total;
  }

  void validate(Problems p) {
    checkDuration(
        p, "stream.batchInterval", batchInterval, Duration.ofMillis(100), Duration.ofHours(1));
    checkDuration(
        p,
        "stream.partitionDiscoveryInterval",
        partitionDiscoveryInterval,
        Duration.ofSeconds(1),
        Duration.ofHours(24));
    if (maxRatePerPartition != null && maxRatePerPartition < 1) {
      p.add(
          "stream.maxRatePerPartition",
          "must be >= 1 (records per second per partition), or omitted for no limit");
    }
  }

  private static void checkDuration(
      Problems p, String path, String value, Duration min, Duration max) {
    if (!DURATIONS.matcher(value).matches()) {
      p.add(path, "'" + value + "' is not a duration like 500ms, 5s or 1m30s");
      return;
    }
    Duration d = parse(value);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      p.add(path, "must be between " + min + " and " + max + ", was " + value);
    }
  }
}
