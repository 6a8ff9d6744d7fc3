package dev.insight.streaming.sinkstores.cassandra;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A keyspace's replication: {@code SimpleStrategy} with one factor, or {@code
 * NetworkTopologyStrategy} per data center.
 */
public record Replication(String strategy, Map<String, Integer> factors) {

  public static final String SIMPLE = "SimpleStrategy";
  public static final String NETWORK_TOPOLOGY = "NetworkTopologyStrategy";

  public Replication {
    Objects.requireNonNull(strategy, "strategy");
    factors = Map.copyOf(factors);
    if (!SIMPLE.equals(strategy) && !NETWORK_TOPOLOGY.equals(strategy)) {
      throw new IllegalArgumentException(
          "replication strategy must be " + SIMPLE + " or " + NETWORK_TOPOLOGY + ": " + strategy);
    }
    if (factors.isEmpty() || factors.values().stream().anyMatch(f -> f == null || f < 1)) {
      throw new IllegalArgumentException("replication factors must be >= 1: " + factors);
    }
    if (SIMPLE.equals(strategy)
        && (factors.size() != 1 || !factors.containsKey("replication_factor"))) {
      throw new IllegalArgumentException(
          "SimpleStrategy takes exactly replication_factor: " + factors);
    }
  }

  /** {@code SimpleStrategy} with the given factor. */
  public static Replication simple(int replicationFactor) {
    return new Replication(SIMPLE, Map.of("replication_factor", replicationFactor));
  }

  /** {@code NetworkTopologyStrategy} with a factor per data center. */
  public static Replication networkTopology(Map<String, Integer> factorsByDataCenter) {
    return new Replication(NETWORK_TOPOLOGY, factorsByDataCenter);
  }

  /** The CQL map literal for {@code CREATE KEYSPACE ... WITH replication = }. */
  public String cql() {
    Map<String, Integer> sorted = new LinkedHashMap<>();
    factors.keySet().stream().sorted().forEach(k -> sorted.put(k, factors.get(k)));
    return sorted.entrySet().stream()
        .map(e -> "'" + e.getKey().replace("'", "''") + "': " + e.getValue())
        .collect(Collectors.joining(", ", "{'class': '" + strategy + "', ", "}"));
  }
}
