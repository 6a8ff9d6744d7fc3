package dev.insight.streaming.jobconfig;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Where and how to read: brokers, topics, the consumer group (for monitoring commits), the start
 * when nothing is stored, and client properties; secret ones are named by the environment variable
 * that holds them.
 */
public record KafkaConfig(
    String bootstrapServers,
    String consumerGroup,
    List<String> topics,
    StartingOffsets startingOffsets,
    Map<String, String> clientConfig,
    Map<String, String> clientConfigFromEnv)
    implements Serializable {

  /** Where to start a partition that no sink has an offset for. */
  public enum StartingOffsets {
    earliest,
    latest
  }

  public KafkaConfig {
    topics = topics == null ? List.of() : List.copyOf(topics);
    startingOffsets = startingOffsets == null ? StartingOffsets.earliest : startingOffsets;
    clientConfig = clientConfig == null ? Map.of() : Map.copyOf(new TreeMap<>(clientConfig));
    clientConfigFromEnv =
        clientConfigFromEnv == null ? Map.of() : Map.copyOf(new TreeMap<>(clientConfigFromEnv));
  }

  KafkaConfig withDefaultGroup(PipelineRef pipeline) {
    if (consumerGroup != null || pipeline == null) {
      return this;
    }
    return new KafkaConfig(
        bootstrapServers,
        pipeline.namespace() + "." + pipeline.name(),
        topics,
        startingOffsets,
        clientConfig,
        clientConfigFromEnv);
  }

  /** The Kafka config provider that reads a JVM's own environment (kafka-clients 3.5 and later). */
  public static final String ENV_CONFIG_PROVIDER =
      "org.apache.kafka.common.config.provider.EnvVarConfigProvider";

  /**
   * The client properties, secret ones as references ({@code ${env:VARIABLE}}) that every Kafka
   * client resolves from its own JVM's environment when it starts: the driver's consumer and admin
   * client, and each executor's consumer and producer. So the values travel in no task, SparkConf
   * or log line: an executor pod gets them from its own {@code secretKeyRef}.
   *
   * @param environment this JVM's environment, to check up front that each variable is set
   * @throws IllegalStateException naming the variable (never its value) when one is unset
   */
  public Map<String, Object> clientProperties(Function<String, String> environment) {
    Map<String, Object> props = new HashMap<>(clientConfig);
    if (clientConfigFromEnv.isEmpty()) {
      return props;
    }
    clientConfigFromEnv.forEach(
        (property, variable) -> {
          if (environment.apply(variable) == null) {
            throw new IllegalStateException(
                "environment variable "
                    + variable
                    + " (for Kafka property "
                    + property
                    + ") is not set");
          }
          props.put(property, "${env:" + variable + "}");
        });
    props.put("config.providers", "env");
    props.put("config.providers.env.class", ENV_CONFIG_PROVIDER);
    return props;
  }

  void validate(Problems p) {
    p.matches(
        "kafka.bootstrapServers",
        bootstrapServers,
        Problems.HOST_PORT_LIST,
        "a comma-separated host:port list");
    p.matches(
        "kafka.consumerGroup",
        consumerGroup,
        Problems.TOPIC,
        "a consumer group id ([a-zA-Z0-9._-])");
    if (p.required("kafka.topics", topics)) {
      for (int i = 0; i < topics.size(); i++) {
        p.matches("kafka.topics[" + i + "]", topics.get(i), Problems.TOPIC, "a Kafka topic name");
      }
      if (topics.stream().distinct().count() != topics.size()) {
        p.add("kafka.topics", "lists a topic twice");
      }
    }
    clientConfig.keySet().stream()
        .filter(KafkaConfig::isCredential)
        .forEach(
            k ->
                p.add(
                    "kafka.clientConfig." + k,
                    "holds a credential: name its environment variable in kafka.clientConfigFromEnv"));
    clientConfigFromEnv.forEach(
        (k, v) ->
            p.matches(
                "kafka.clientConfigFromEnv." + k,
                v,
                Problems.ENV_VAR,
                "an environment variable name"));
  }

  private static boolean isCredential(String property) {
    return property.equals("sasl.jaas.config")
        || property.endsWith(".password")
        || property.endsWith(".key")
        || property.endsWith(".certificates");
  }
}
