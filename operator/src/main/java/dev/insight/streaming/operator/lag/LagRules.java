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
   * The rules the spec states. The API server applies the defaults (the CRD defaults the whole
   * {@code lag} section and each of its fields); a spec built in Java without the section gets the
   * model's, which the CRD's are generated from.
   */
  public static LagRules of(LagSpec spec) {
    LagSpec s = spec == null ? new LagSpec() : spec;
    return new LagRules(
        DurationText.parse(s.getWindow()),
        DurationText.parse(s.getStallThreshold()),
        s.getWarnThreshold(),
        DurationText.parse(s.getStatusInterval()),
        s.getMaxPartitionsInStatus());
  }
}
