package dev.insight.streaming.local.demo;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.PartitionLag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The demo's screen, redrawn every second: the row {@code kubectl get sp} shows and the pipeline's
 * driver and executor pods as {@code kubectl get pods} lists them (the API server's tables), the
 * per-partition lag, the evaluation, sink counts.
 */
final class ConsoleView {

  private static final int MAX_PARTITION_ROWS = 12;

  /**
   * Everything the screen shows at one moment; {@code table} is the server's header and row (empty
   * if none).
   */
  record Frame(
      StreamingPipeline pipeline,
      List<List<String>> table,
      String podSelector,
      List<List<String>> pods,
      EventProducer producer,
      OptionalLong cassandraRows,
      String cassandraTable,
      OptionalLong mongoDocuments,
      String mongoCollection,
      DemoMilestones milestones,
      String apiUrl,
      String kubeconfig,
      String driverLog,
      Instant now) {}

  String render(Frame f) {
    StringBuilder out = new StringBuilder();
    out.append("StreamingPipeline demo   API ").append(f.apiUrl());
    if (f.kubeconfig() != null) {
      out.append("\n  kubectl --kubeconfig ").append(f.kubeconfig()).append(" get sp -w");
    }
    out.append("\n\n");
    if (f.table().size() < 2) {
      out.append("  (kubectl get sp shows no row yet)\n");
    } else {
      table(out, f.table());
    }
    out.append('\n');
    out.append("kubectl get pods -l ").append(f.podSelector()).append('\n');
    if (f.pods().size() < 2) {
      out.append("  (no pod yet)\n");
    } else {
      table(out, f.pods());
    }
    out.append('\n');

    LagStatus lag =
        f.pipeline() == null || f.pipeline().getStatus() == null
            ? null
            : f.pipeline().getStatus().getLag();
    if (lag == null) {
      out.append("lag: not evaluated yet\n");
    } else {
      out.append(
          String.format(
              Locale.ROOT,
              "lag: %s   total %s   max %s   %s s behind   source %s   evaluated %s%n",
              lag.getEvaluation(),
              orDash(lag.getTotal()),
              orDash(lag.getMax()),
              orDash(lag.getSecondsBehind()),
              orDash(lag.getSource()),
              orDash(lag.getEvaluatedAt())));
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("TOPIC", "PARTITION", "PROCESSED", "END", "LAG", "EVALUATION"));
      List<PartitionLag> partitions = lag.getPartitions() == null ? List.of() : lag.getPartitions();
      partitions.stream()
          .limit(MAX_PARTITION_ROWS)
          .forEach(
              p ->
                  rows.add(
                      List.of(
                          p.getTopic(),
                          String.valueOf(p.getPartition()),
                          String.valueOf(p.getProcessed()),
                          String.valueOf(p.getEnd()),
                          String.valueOf(p.getLag()),
                          String.valueOf(p.getEvaluation()))));
      table(out, rows);
      if (partitions.size() > MAX_PARTITION_ROWS) {
        out.append("  ... ")
            .append(partitions.size() - MAX_PARTITION_ROWS)
            .append(" more partitions\n");
      }
    }
    out.append('\n');
    if (f.pipeline() != null
        && f.pipeline().getStatus() != null
        && f.pipeline().getStatus().getConditions() != null) {
      out.append("conditions:");
      for (Condition c : f.pipeline().getStatus().getConditions()) {
        out.append(' ').append(c.getType()).append('=').append(c.getStatus());
      }
      out.append('\n');
      f.pipeline().getStatus().getConditions().stream()
          .filter(c -> !"True".equals(c.getStatus()) && c.getMessage() != null)
          .forEach(
              c ->
                  out.append("  ")
                      .append(c.getType())
                      .append(": ")
                      .append(c.getReason())
                      .append(" - ")
                      .append(c.getMessage())
                      .append('\n'));
    }
    EventProducer p = f.producer();
    out.append(
        String.format(
            Locale.ROOT,
            "producer: %,d events sent to %s (%,d acknowledged%s) at %d/s, %s%n",
            p.sent(),
            p.topic(),
            p.acknowledged(),
            p.failed() > 0 ? ", " + p.failed() + " failed" : "",
            p.ratePerSecond(),
            p.paused() ? "PAUSED" : p.sending() ? "running" : "waiting for the topic"));
    out.append("sinks:   ");
    if (f.cassandraTable() != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "Cassandra %s %s rows   ",
              f.cassandraTable(),
              count(f.cassandraRows())));
    }
    if (f.mongoCollection() != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "MongoDB %s %s documents",
              f.mongoCollection(),
              count(f.mongoDocuments())));
    }
    out.append('\n');
    out.append(f.milestones().describe(f.now())).append('\n');
    if (f.driverLog() != null) {
      out.append("driver log: ").append(f.driverLog()).append('\n');
    }
    out.append("\nEnter pauses/resumes the producer; Ctrl-C stops everything.\n");
    return out.toString();
  }

  private static String count(OptionalLong value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%,d", value.getAsLong()) : "-";
  }

  private static void table(StringBuilder out, List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i) == null ? 0 : row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      out.append("  ");
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i) == null ? "" : row.get(i);
        out.append(cell).append(" ".repeat(widths[i] - cell.length() + 3));
      }
      out.append('\n');
    }
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** A figure not measured yet shows as "-", as kubectl shows an empty column. */
  private static String orDash(Object value) {
    return value == null ? "-" : value.toString();
  }
}
