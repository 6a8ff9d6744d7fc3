package dev.insight.streaming.operator.kafka;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One Kafka cluster as a client sees it: bootstrap servers plus client settings (the spec's clientConfig and the
 * values of its clientSecret). Pipelines with equal clusters share one Admin. {@link #toString()} names setting keys
 * only, because some values are credentials.
 */
public record KafkaCluster(String bootstrapServers, Map<String, String> settings) {

  public KafkaCluster {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    settings = settings == null ? Map.of() : Map.copyOf(new TreeMap<>(settings));
  }

  /** A cluster reached with default client settings. */
  public static KafkaCluster of(String bootstrapServers) {
    return new KafkaCluster(bootstrapServers, Map.of());
  }

  @Override
  public String toString() {
    return "KafkaCluster[bootstrapServers=" + bootstrapServers + ", settings=" + new TreeMap<>(settings).keySet() + "]";
  }
}
