package dev.insight.streaming.operator.kafka;

import dev.insight.streaming.operator.secrets.Redaction;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One Kafka cluster as a client sees it: bootstrap servers plus client settings (the spec's
 * clientConfig and the values of its clientSecret, whose keys are {@code secretKeys}). Pipelines
 * with equal clusters share one Admin. {@link #toString()} names setting keys only, because some
 * values are credentials.
 */
public record KafkaCluster(
    String bootstrapServers, Map<String, String> settings, Set<String> secretKeys) {

  public KafkaCluster {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    settings = settings == null ? Map.of() : Map.copyOf(new TreeMap<>(settings));
    secretKeys = secretKeys == null ? Set.of() : Set.copyOf(secretKeys);
  }

  /** A cluster with settings none of which are secret. */
  public KafkaCluster(String bootstrapServers, Map<String, String> settings) {
    this(bootstrapServers, settings, Set.of());
  }

  /** A cluster reached with default client settings. */
  public static KafkaCluster of(String bootstrapServers) {
    return new KafkaCluster(bootstrapServers, Map.of(), Set.of());
  }

  /** {@code text} without the values of the secret settings, for status, events and logs. */
  public String redact(String text) {
    return Redaction.scrub(
        text, secretKeys.stream().map(settings::get).collect(Collectors.toSet()));
  }

  @Override
  public String toString() {
    return "KafkaCluster[bootstrapServers="
        + bootstrapServers
        + ", settings="
        + new TreeMap<>(settings).keySet()
        + "]";
  }
}
