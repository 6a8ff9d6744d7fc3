package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.api.status.LagEvaluation;
import dev.insight.streaming.operator.config.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Judges partitions over their windows and a pipeline by its worst partition. The rules (also in
 * the README, "Lag evaluation"):
 *
 * <ul>
 *   <li>ERR: this cycle's offsets of the partition could not be read (topic gone, broker or store
 *       unreachable).
 *   <li>STALL: the partition's processed offset has not moved for at least {@code stallThreshold}
 *       while records waited behind it the whole time (lag > 0 at every sample since it last
 *       moved).
 *   <li>WARN: the samples cover the whole window, lag was > 0 at every one of them, never fell
 *       below the lag at the window's start, ends higher than it started, and is above {@code
 *       warnThreshold}.
 *   <li>OK: everything else (lag zero, shrinking, steady, or too little history to say).
 *   <li>STOP (whole pipeline): the driver runs, records wait, and no processed offset of any
 *       partition has moved for longer than the window, counted from the later of the last move and
 *       the moment records began to wait.
 * </ul>
 *
 * A partition stuck while its siblings advance stays STALL; a job that stopped storing offsets
 * altogether goes STALL after {@code stallThreshold} and STOP once the window has passed. Severity:
 * ERR > STOP > STALL > WARN > OK.
 */
public final class LagEvaluator {

  /**
   * Evaluates one pipeline from its partitions' windows, each holding this cycle's sample or error.
   *
   * @param driverRunning whether the driver pod runs (STOP is only raised then: a stopped driver is
   *     reported by the DriverRunning condition)
   */
  public PipelineLag evaluate(
      Collection<PartitionWindow> partitions,
      LagRules rules,
      boolean driverRunning,
      long nowMillis) {
    // a partition with neither a sample nor an error has no processed offset yet: nothing to judge
    List<PartitionWindow> windows =
        partitions.stream().filter(w -> w.size() > 0 || w.error() != null).toList();
    List<PartitionFigures> figures = new ArrayList<>(windows.size());
    long total = 0;
    long max = 0;
    double behind = 0;
    double processing = 0;
    double producing = 0;
    int lagging = 0;
    int readable = 0;
    long lastProgress = Long.MIN_VALUE;
    long earliestWait = Long.MAX_VALUE;
    for (PartitionWindow w : windows) {
      PartitionFigures f = partition(w, rules, nowMillis);
      figures.add(f);
      if (f.lag() == null) {
        continue;
      }
      readable++;
      total += f.lag();
      max = Math.max(max, f.lag());
      behind = Math.max(behind, f.secondsBehind());
      processing += f.processingRate();
      producing += f.producingRate();
      lastProgress = Math.max(lastProgress, w.movedAt());
      if (f.lag() > 0) {
        lagging++;
        earliestWait = Math.min(earliestWait, w.waitingSince());
      }
    }
    figures.sort(
        Comparator.comparing((PartitionFigures f) -> f.lag() != null)
            .thenComparing(f -> f.lag() == null ? 0 : -f.lag())
            .thenComparing(PartitionFigures::topic)
            .thenComparingInt(PartitionFigures::partition));
    Long totalOrNull = readable == 0 ? null : total;
    Long maxOrNull = readable == 0 ? null : max;
    Long behindOrNull = readable == 0 ? null : Math.round(behind);

    List<PartitionFigures> errors =
        figures.stream().filter(f -> f.evaluation() == LagEvaluation.ERR).toList();
    if (!errors.isEmpty()) {
      String message =
          errors.size() == windows.size() && errors.size() > 1
              ? "Offsets of all "
                  + errors.size()
                  + " partitions are unreadable: "
                  + errors.get(0).detail()
              : "Offsets of "
                  + count(errors.size())
                  + " are unreadable, e.g. "
                  + errors.get(0).name()
                  + ": "
                  + errors.get(0).detail();
      return new PipelineLag(
          LagEvaluation.ERR,
          message,
          totalOrNull,
          maxOrNull,
          behindOrNull,
          processing,
          producing,
          lagging,
          figures);
    }
    if (windows.isEmpty()) {
      return new PipelineLag(
          LagEvaluation.OK, "No partitions to measure yet", null, null, null, 0, 0, 0, figures);
    }
    if (driverRunning && lagging > 0) {
      long silentSince = Math.max(lastProgress, earliestWait);
      long silence = nowMillis - silentSince;
      if (silence > rules.window().toMillis()) {
        String message =
            "No processed offset moved for "
                + text(silence)
                + " (window "
                + text(rules.window())
                + ") while the driver runs and "
                + total
                + " records wait on "
                + count(lagging);
        return new PipelineLag(
            LagEvaluation.STOP,
            message,
            totalOrNull,
            maxOrNull,
            behindOrNull,
            processing,
            producing,
            lagging,
            figures);
      }
    }
    for (LagEvaluation verdict : List.of(LagEvaluation.STALL, LagEvaluation.WARN)) {
      List<PartitionFigures> hit = figures.stream().filter(f -> f.evaluation() == verdict).toList();
      if (!hit.isEmpty()) {
        return new PipelineLag(
            verdict,
            count(hit.size())
                + " "
                + hit.get(0).detail()
                + (hit.size() > 1 ? " (the largest shown)" : ""),
            totalOrNull,
            maxOrNull,
            behindOrNull,
            processing,
            producing,
            lagging,
            figures);
      }
    }
    String message =
        total == 0
            ? "Caught up on all " + count(windows.size())
            : "Lag is steady or shrinking: " + total + " records on " + count(lagging);
    return new PipelineLag(
        LagEvaluation.OK,
        message,
        totalOrNull,
        maxOrNull,
        behindOrNull,
        processing,
        producing,
        lagging,
        figures);
  }

  /**
   * Evaluates one partition over its window (STOP is a pipeline verdict and never comes from here).
   */
  public PartitionFigures partition(PartitionWindow w, LagRules rules, long nowMillis) {
    if (w.error() != null) {
      return new PartitionFigures(
          w.topic(), w.partition(), null, null, null, LagEvaluation.ERR, 0, 0, 0, w.error());
    }
    if (w.size() == 0) {
      throw new IllegalArgumentException(
          w.topic() + "-" + w.partition() + " has neither a sample nor an error");
    }
    int last = w.size() - 1;
    long lag = w.lag(last);
    double span = (w.at(last) - w.at(0)) / 1000.0;
    double processing = span <= 0 ? 0 : (w.processed(last) - w.processed(0)) / span;
    double producing = span <= 0 ? 0 : (w.end(last) - w.end(0)) / span;
    double behind = secondsBehind(w, nowMillis);
    LagEvaluation verdict = LagEvaluation.OK;
    String detail = null;
    long waiting = w.waitingSince() == Long.MIN_VALUE ? 0 : nowMillis - w.waitingSince();
    if (lag > 0 && waiting >= rules.stallThreshold().toMillis()) {
      verdict = LagEvaluation.STALL;
      detail =
          "stalled: the processed offset of "
              + w.topic()
              + "-"
              + w.partition()
              + " stood at "
              + w.processed(last)
              + " for "
              + text(waiting)
              + " while "
              + lag
              + " records waited";
    } else if (grewAcrossWindow(w, rules, nowMillis)) {
      verdict = LagEvaluation.WARN;
      detail =
          "growing: lag of "
              + w.topic()
              + "-"
              + w.partition()
              + " grew from "
              + w.lag(0)
              + " to "
              + lag
              + " across the "
              + text(rules.window())
              + " window (warn threshold "
              + rules.warnThreshold()
              + ")";
    }
    return new PartitionFigures(
        w.topic(),
        w.partition(),
        w.processed(last),
        w.end(last),
        lag,
        verdict,
        behind,
        processing,
        producing,
        detail);
  }

  /**
   * When the oldest unprocessed record (offset = processed) was appended, from the window's (time,
   * end offset) samples: the moment the end offset passed it, interpolated between the two samples
   * around it; before the window, extrapolated back at the window's producing rate (or, with no
   * rate, the window's start, a lower bound). Returns seconds from then to now, 0 when caught up,
   * never negative or NaN.
   */
  static double secondsBehind(PartitionWindow w, long nowMillis) {
    int last = w.size() - 1;
    if (last < 0 || w.lag(last) == 0) {
      return 0;
    }
    long target = w.processed(last) + 1;
    int i = 0;
    while (i < last && w.end(i) < target) {
      i++;
    }
    double appendedAt;
    if (i == 0) {
      long produced = w.end(last) - w.end(0);
      long span = w.at(last) - w.at(0);
      appendedAt =
          produced > 0 && span > 0
              ? w.at(0) - (double) (w.end(0) - target) * span / produced
              : w.at(0);
    } else {
      long before = w.end(i - 1);
      appendedAt =
          w.at(i - 1) + (double) (target - before) * (w.at(i) - w.at(i - 1)) / (w.end(i) - before);
    }
    double seconds = (nowMillis - appendedAt) / 1000.0;
    return Double.isFinite(seconds) && seconds > 0 ? seconds : 0;
  }

  private static boolean grewAcrossWindow(PartitionWindow w, LagRules rules, long nowMillis) {
    int last = w.size() - 1;
    if (last < 1 || nowMillis - w.at(0) < rules.window().toMillis()) {
      return false;
    }
    long first = w.lag(0);
    if (first == 0 || w.lag(last) <= first || w.lag(last) <= rules.warnThreshold()) {
      return false;
    }
    for (int i = 1; i < last; i++) {
      if (w.lag(i) < first) {
        return false;
      }
    }
    return true;
  }

  private static String count(int partitions) {
    return partitions + (partitions == 1 ? " partition" : " partitions");
  }

  private static String text(long millis) {
    return text(Duration.ofMillis(millis / 1000 * 1000));
  }

  private static String text(Duration d) {
    return DurationText.format(d);
  }
}
