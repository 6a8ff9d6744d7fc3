package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.api.spec.LagSpec;
import dev.insight.streaming.operator.config.DurationText;
import java.time.Duration;

/**
 * A pipeline's lag settings as durations and numbers, with the spec's defaults filled in.
 *
 * @param window span over which a partition's lag trend, rates and time lag are judged
 * @param stallThreshold how long a lagging partition's processed offset may stand still before it
 *     is STALL
 * @param warnThreshold lag in records a growing partition must exceed to be WARN
 * @param statusInterval least time between two status writes caused by figures alone
 * @param maxPartitions how many partitions status lists
 */
public record LagRules(
    Duration window,
    Duration stallThreshold,
    long warnThreshold,
    Duration statusInterval,
    int maxPartitions) {

  /**
   * The rules the spec states. The API server defaults the fields of a {@code lag} section that
   * exists, but a spec without one gets nothing from it (the CRD defaults fields, not absent
   * objects): those take the same defaults here.
   */
  public static LagRules of(LagSpec spec) {
    LagSpec s = spec == null ? new LagSpec() : spec;
    LagSpec defaults = new LagSpec();
    return new LagRules(
        DurationText.parse(orElse(s.getWindow(), defaults.getWindow())),
        DurationText.parse(orElse(s.getStallThreshold(), defaults.getStallThreshold())),
        orElse(s.getWarnThreshold(), defaults.getWarnThreshold()),
        DurationText.parse(orElse(s.getStatusInterval(), defaults.getStatusInterval())),
        orElse(s.getMaxPartitionsInStatus(), defaults.getMaxPartitionsInStatus()));
  }

  private static <T> T orElse(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
