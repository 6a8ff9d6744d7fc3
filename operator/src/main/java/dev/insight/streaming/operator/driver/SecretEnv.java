package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import dev.insight.streaming.operator.api.spec.CassandraCredentials;
import dev.insight.streaming.operator.api.spec.MongoSinkSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The credentials a driver needs, as environment variables filled by the kubelet from {@code
 * secretKeyRef}: the JobConfig names the variables, the pod and the executors get the references,
 * and no value passes the operator.
 *
 * @param variables every variable, in a stable order
 * @param kafkaProperties Kafka client property -> the variable holding it (from {@code
 *     kafka.clientSecret})
 */
public record SecretEnv(List<Variable> variables, Map<String, String> kafkaProperties) {

  public static final String MONGODB_URI = "MONGODB_URI";
  public static final String CASSANDRA_USERNAME = "CASSANDRA_USERNAME";
  public static final String CASSANDRA_PASSWORD = "CASSANDRA_PASSWORD";

  /**
   * Prefix of the variables holding Kafka client properties; the rest is the property, upper case,
   * '_' for others.
   */
  public static final String KAFKA_PREFIX = "KAFKA_";

  /** One environment variable taken from one key of one Secret. */
  public record Variable(String name, String secret, String key) {}

  /**
   * The variables for {@code spec}.
   *
   * @param kafkaSecretKeys the keys of the Secret named by {@code kafka.clientSecret} (empty when
   *     none is named); each key is a Kafka client property
   * @throws IllegalArgumentException when two Kafka properties map to one variable name
   */
  public static SecretEnv of(StreamingPipelineSpec spec, Collection<String> kafkaSecretKeys) {
    List<Variable> variables = new ArrayList<>();
    Map<String, String> kafka = new TreeMap<>();
    if (spec.getKafka() != null && spec.getKafka().getClientSecret() != null) {
      Map<String, String> byVariable = new HashMap<>();
      for (String property : new TreeSet<>(kafkaSecretKeys)) {
        String variable = kafkaVariable(property);
        String clash = byVariable.put(variable, property);
        if (clash != null) {
          throw new IllegalArgumentException(
              "keys '"
                  + clash
                  + "' and '"
                  + property
                  + "' of Secret "
                  + spec.getKafka().getClientSecret().getName()
                  + " (kafka.clientSecret) both become environment variable "
                  + variable
                  + "; rename one");
        }
        kafka.put(property, variable);
        variables.add(
            new Variable(variable, spec.getKafka().getClientSecret().getName(), property));
      }
    }
    cassandraCredentials(spec)
        .ifPresent(
            c -> {
              variables.add(new Variable(CASSANDRA_USERNAME, c.getName(), c.getUsernameKey()));
              variables.add(new Variable(CASSANDRA_PASSWORD, c.getName(), c.getPasswordKey()));
            });
    mongo(spec)
        .ifPresent(
            m ->
                variables.add(
                    new Variable(
                        MONGODB_URI, m.getUriSecret().getName(), m.getUriSecret().getKey())));
    return new SecretEnv(List.copyOf(variables), Map.copyOf(kafka));
  }

  /** The variable a Kafka client property from {@code kafka.clientSecret} is passed in. */
  public static String kafkaVariable(String property) {
    return KAFKA_PREFIX + property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** Whether the Cassandra credentials are passed. */
  public boolean hasCassandraCredentials() {
    return variables.stream().anyMatch(v -> v.name().equals(CASSANDRA_USERNAME));
  }

  static Optional<CassandraCredentials> cassandraCredentials(StreamingPipelineSpec spec) {
    return Optional.ofNullable(spec.getSinks())
        .map(s -> s.getCassandra())
        .map(c -> c.getCredentialsSecret());
  }

  static Optional<MongoSinkSpec> mongo(StreamingPipelineSpec spec) {
    return Optional.ofNullable(spec.getSinks()).map(s -> s.getMongodb());
  }
}
