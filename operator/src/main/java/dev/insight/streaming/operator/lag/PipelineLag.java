package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.status.LagEvaluation;
import dev.insight.streaming.operator.api.status.LagSource;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.PartitionLag;
import java.util.List;

/**
 * One pipeline's lag verdict and figures for one cycle. Totals cover every partition; {@code
 * partitions} holds all of them, errors first, then largest lag first.
 *
 * @param total records waiting over all readable partitions; null when none was readable
 * @param secondsBehind the largest partition's estimate, whole seconds; null when none was readable
 * @param message one human sentence for the LagHealthy condition
 */
public record PipelineLag(
    LagEvaluation evaluation,
    String message,
    Long total,
    Long max,
    Long secondsBehind,
    double processingRate,
    double producingRate,
    int laggingPartitions,
    List<PartitionFigures> partitions) {

  /** The LagHealthy condition's reason for this verdict. */
  public Reason reason() {
    return switch (evaluation) {
      case OK -> Reason.LAG_OK;
      case WARN -> Reason.LAG_GROWING;
      case STALL -> Reason.LAG_STALLED;
      case STOP -> Reason.OFFSETS_STOPPED;
      case ERR -> Reason.LAG_UNKNOWN;
    };
  }

  /**
   * Whether the LagHealthy condition is True (only for OK; WARN is False with a reason that does
   * not degrade).
   */
  public boolean healthy() {
    return evaluation == LagEvaluation.OK;
  }

  /** The status section: the complete summary and at most {@code maxPartitions} partitions. */
  public LagStatus toStatus(LagSource source, String evaluatedAt, int maxPartitions) {
    LagStatus status = new LagStatus();
    status.setEvaluation(evaluation);
    status.setTotal(total);
    status.setMax(max);
    status.setSecondsBehind(secondsBehind);
    status.setProcessingRate(round(processingRate));
    status.setProducingRate(round(producingRate));
    status.setEvaluatedAt(evaluatedAt);
    status.setSource(source);
    status.setPartitionCount(partitions.size());
    status.setLaggingPartitions(laggingPartitions);
    status.setPartitions(
        partitions.stream()
            .limit(maxPartitions)
            .map(
                p ->
                    new PartitionLag(
                        p.topic(), p.partition(), p.processed(), p.end(), p.lag(), p.evaluation()))
            .toList());
    return status;
  }

  // one decimal: finer digits are noise and would make every cycle look like a change
  private static double round(double rate) {
    return Math.round(rate * 10) / 10.0;
  }
}
