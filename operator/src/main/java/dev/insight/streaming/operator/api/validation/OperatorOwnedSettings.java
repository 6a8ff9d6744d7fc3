package dev.insight.streaming.operator.api.validation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Spark and Kafka client settings the operator sets itself, in one place: the driver factory
 * must set them, and users may not override them through job.sparkConf or kafka.clientConfig.
 */
public final class OperatorOwnedSettings {

  private static final Pattern CEL_STRING = Pattern.compile("'([^']*)'");

  // The lists below are CEL literals, so the CRD's admission rules on job.sparkConf
  // (JobSpec.sparkConf) and these Java lists are one text: a key added here is refused by the API
  // server too, with no CRD edit to forget.

  /**
   * Spark keys the operator derives from the resource, each with the spec field to use instead, as
   * a CEL map.
   */
  public static final String CEL_SPARK_KEYS_WITH_FIELD =
      "{"
          + "'spark.container.image': 'job.image', "
          + "'spark.driver.cores': 'job.driver.cores', "
          + "'spark.driver.memory': 'job.driver.memory', "
          + "'spark.executor.cores': 'job.executor.cores', "
          + "'spark.executor.instances': 'job.executor.instances', "
          + "'spark.executor.memory': 'job.executor.memory', "
          + "'spark.streaming.backpressure.enabled': 'job.backpressure', "
          + "'spark.streaming.kafka.maxRatePerPartition': 'job.maxRatePerPartition'"
          + "}";

  /**
   * Spark keys the operator sets with no spec equivalent (they wire the driver into the cluster, or
   * the operator sets them from its own settings), as a CEL list.
   */
  public static final String CEL_SPARK_KEYS =
      "["
          + "'spark.app.id', "
          + "'spark.app.name', "
          + "'spark.blockManager.port', "
          + "'spark.driver.bindAddress', "
          + "'spark.driver.blockManager.port', "
          + "'spark.driver.extraJavaOptions', "
          + "'spark.driver.host', "
          + "'spark.driver.port', "
          + "'spark.dynamicAllocation.enabled', "
          + "'spark.executor.extraJavaOptions', "
          + "'spark.jars', "
          + "'spark.local.dir', "
          + "'spark.master', "
          + "'spark.streaming.receiver.writeAheadLog.enable', "
          + "'spark.streaming.stopGracefullyOnShutdown', "
          + "'spark.submit.deployMode', "
          + "'spark.ui.port'"
          + "]";

  /**
   * Spark key prefixes the operator owns entirely, as a CEL list: Kubernetes wiring, the Kafka
   * direct stream, the driver-executor authentication and encryption, and Cassandra credentials
   * (read from each JVM's environment; a value here would travel in every SparkConf).
   */
  public static final String CEL_SPARK_PREFIXES =
      "["
          + "'spark.kubernetes.', "
          + "'spark.streaming.kafka.', "
          + "'spark.dynamicAllocation.', "
          + "'spark.authenticate', "
          + "'spark.network.crypto.', "
          + "'spark.cassandra.auth.'"
          + "]";

  /** The keys of {@link #CEL_SPARK_KEYS_WITH_FIELD}, each with its field. */
  public static final Map<String, String> SPARK_KEYS_WITH_FIELD = celMap(CEL_SPARK_KEYS_WITH_FIELD);

  /** The keys of {@link #CEL_SPARK_KEYS}. */
  public static final Set<String> SPARK_KEYS = Set.copyOf(celList(CEL_SPARK_KEYS));

  /** The prefixes of {@link #CEL_SPARK_PREFIXES}. */
  public static final List<String> SPARK_PREFIXES = celList(CEL_SPARK_PREFIXES);

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

  static List<String> celList(String literal) {
    List<String> items = new ArrayList<>();
    Matcher m = CEL_STRING.matcher(literal);
    while (m.find()) {
      items.add(m.group(1));
    }
    return List.copyOf(items);
  }

  static Map<String, String> celMap(String literal) {
    List<String> items = celList(literal);
    Map<String, String> map = new TreeMap<>();
    for (int i = 0; i + 1 < items.size(); i += 2) {
      map.put(items.get(i), items.get(i + 1));
    }
    return Collections.unmodifiableMap(map);
  }

  /** Why {@code key} cannot be set through kafka.clientConfig, or empty when it can. */
  public static Optional<String> kafkaClientRefusal(String key) {
    return Optional.ofNullable(KAFKA_CLIENT_KEYS.get(key))
        .map(why -> "set by the operator: " + why);
  }
}
