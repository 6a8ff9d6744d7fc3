package dev.insight.streaming.local.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The demo's two measured moments: from its start to rows in every sink, and from a producer pause
 * to lag 0 with every sent event in every sink. The README quotes these figures.
 */
final class DemoMilestones {

  private final Instant start;
  private Duration serversUp;
  private Duration rowsInAllSinks;
  private Instant pauseSeen;
  private Duration drainedAfterPause;

  DemoMilestones(Instant start) {
    this.start = start;
  }

  void serversUp(Instant at) {
    serversUp = Duration.between(start, at);
  }

  /**
   * Records what one frame shows.
   *
   * @return a line to print once when a milestone was just reached, else null
   */
  String observe(
      Instant now,
      OptionalLong cassandra,
      boolean hasCassandra,
      OptionalLong mongo,
      boolean hasMongo,
      Long lagTotal,
      EventProducer producer) {
    String news = null;
    boolean rowsEverywhere =
        (!hasCassandra || cassandra.orElse(0) > 0) && (!hasMongo || mongo.orElse(0) > 0);
    if (rowsInAllSinks == null && rowsEverywhere) {
      rowsInAllSinks = Duration.between(start, now);
      news =
          "milestone: rows in every sink "
              + ConsoleView.seconds(rowsInAllSinks)
              + " after the demo started";
    }
    if (producer.paused()) {
      if (pauseSeen == null) {
        pauseSeen = producer.pausedAt();
        drainedAfterPause = null;
      }
      long acked = producer.acknowledged();
      boolean drained =
          lagTotal != null
              && lagTotal == 0
              && (!hasCassandra || cassandra.orElse(-1) >= acked)
              && (!hasMongo || mongo.orElse(-1) >= acked);
      if (drainedAfterPause == null && drained) {
        drainedAfterPause = Duration.between(pauseSeen, now);
        news =
            "milestone: lag 0 and all "
                + acked
                + " events in every sink "
                + ConsoleView.seconds(drainedAfterPause)
                + " after the producer paused";
      }
    } else {
      pauseSeen = null;
    }
    return news;
  }

  String describe(Instant now) {
    StringBuilder s = new StringBuilder("timings: ");
    s.append("servers+cluster up ")
        .append(serversUp == null ? "..." : ConsoleView.seconds(serversUp));
    s.append(", rows in every sink ")
        .append(
            rowsInAllSinks == null
                ? "waiting (" + ConsoleView.seconds(Duration.between(start, now)) + ")"
                : ConsoleView.seconds(rowsInAllSinks));
    if (pauseSeen != null) {
      s.append(", drained after pause ")
          .append(drainedAfterPause == null ? "waiting" : ConsoleView.seconds(drainedAfterPause));
    }
    return s.toString();
  }
}
