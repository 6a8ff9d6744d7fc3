package dev.insight.streaming.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Measures how long each server takes from launch to its first successful round trip (the README's
 * figures). Run: see the README section "Embedded servers".
 */
public final class StartupFigures {

  private StartupFigures() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    report(
        "Kafka broker (format + start + produce/consume)",
        runs,
        () -> {
          try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            return kafka.startupTime();
          }
        });
    List<String> memory = new ArrayList<>();
    List<Long> stops = new ArrayList<>();
    report(
        "Kafka cluster, 3 nodes (format + start + acks=all produce/consume)",
        runs,
        () -> {
          EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start();
          try {
            memory.add(
                cluster.nodeIds().stream()
                    .map(id -> cluster.residentBytes(id) / (1024 * 1024) + " MiB")
                    .toList()
                    .toString());
            return cluster.startupTime();
          } finally {
            long stopping = System.nanoTime();
            cluster.stop();
            stops.add(Duration.ofNanos(System.nanoTime() - stopping).toMillis());
          }
        });
    System.out.printf(
        "  resident memory per node after start: %s; stop took %s ms%n", memory, stops);
    report(
        "Cassandra node (start + CQL query)",
        runs,
        () -> {
          try (EmbeddedCassandra cassandra = EmbeddedCassandra.start()) {
            return cassandra.startupTime();
          }
        });
    report(
        "MongoDB-wire server (bind + ping)",
        runs,
        () -> {
          long start = System.nanoTime();
          try (EmbeddedMongo mongo = EmbeddedMongo.start()) {
            return Duration.ofNanos(System.nanoTime() - start);
          }
        });
  }

  private static void report(String server, int runs, Supplier<Duration> startAndStop) {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      millis.add(startAndStop.get().toMillis());
    }
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf(
        "%-50s runs %s ms, median %d ms%n", server, millis, sorted.get(sorted.size() / 2));
  }
}
