package dev.insight.streaming.operator.api.validation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Spark and Kafka client settings the operator sets itself, in one place: the driver factory
 * must set them, and users may not override them through job.sparkConf or kafka.clientConfig.
 */
public final class OperatorOwnedSettings {

  /**
   * Spark keys the operator derives from the resource; the value names the spec field to use
   * instead.
   */
  public static final Map<String, String> SPARK_KEYS_WITH_FIELD =
      Map.ofEntries(
          Map.entry("spark.driver.memory", "job.driver.memory"),
          Map.entry("spark.driver.cores", "job.driver.cores"),
          Map.entry("spark.executor.instances", "job.executor.instances"),
          Map.entry("spark.executor.cores", "job.executor.cores"),
          Map.entry("spark.executor.memory", "job.executor.memory"),
          Map.entry("spark.streaming.backpressure.enabled", "job.backpressure"),
          Map.entry("spark.streaming.kafka.maxRatePerPartition", "job.maxRatePerPartition"),
          Map.entry("spark.container.image", "job.image"));

  /**
   * Spark keys the operator sets with no spec equivalent: they wire the driver into the cluster.
   */
  public static final Set<String> SPARK_KEYS =
      Set.of(
          "spark.master",
          "spark.app.name",
          "spark.submit.deployMode",
          "spark.app.id",
          "spark.driver.host",
          "spark.driver.port",
          "spark.driver.bindAddress",
          "spark.driver.blockManager.port",
          "spark.blockManager.port",
          "spark.jars",
          "spark.dynamicAllocation.enabled",
          "spark.streaming.stopGracefullyOnShutdown",
          "spark.streaming.receiver.writeAheadLog.enable");

  /** Spark key prefixes the operator owns entirely. */
  public static final List<String> SPARK_PREFIXES =
      List.of(
          "spark.kubernetes.",
          "spark.streaming.kafka.",
          "spark.dynamicAllocation.",
          // the driver and executors authenticate with the per-pipeline Secret and encrypt their
          // RPC
          "spark.authenticate",
          "spark.network.crypto.",
          // Cassandra credentials come from sinks.cassandra.credentialsSecret, read from each JVM's
          // environment: a value here would travel in every SparkConf
          "spark.cassandra.auth.");

  /** Kafka consumer properties the job sets itself; the value says why. */
  public static final Map<String, String> KAFKA_CLIENT_KEYS =
      Map.of(
          "bootstrap.servers", "set kafka.bootstrapServers",
          "group.id", "set kafka.consumerGroup",
          "auto.offset.reset", "set kafka.startingOffsets",
          "enable.auto.commit", "the job commits offsets itself after writing the sinks",
          "key.deserializer", "the job reads raw bytes",
          "value.deserializer", "the job reads raw bytes",
          "config.providers",
              "the job reads kafka.clientSecret through its own config provider, on every JVM");

  private OperatorOwnedSettings() {}

  /** Why {@code key} cannot be set through job.sparkConf, or empty when it can. */
  public static Optional<String> sparkRefusal(String key) {
    if (SPARK_KEYS_WITH_FIELD.containsKey(key)) {
      return Optional.of(
          "set by the operator from "
              + SPARK_KEYS_WITH_FIELD.get(key)
              + "; set that field instead");
    }
    if (SPARK_KEYS.contains(key) || SPARK_PREFIXES.stream().anyMatch(key::startsWith)) {
      return Optional.of("set by the operator (it wires the driver into the cluster); remove it");
    }
    return Optional.empty();
  }

  /** Why {@code key} cannot be set through kafka.clientConfig, or empty when it can. */
  public static Optional<String> kafkaClientRefusal(String key) {
    return Optional.ofNullable(KAFKA_CLIENT_KEYS.get(key))
        .map(why -> "set by the operator: " + why);
  }
}
