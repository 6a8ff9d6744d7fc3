package dev.insight.streaming.jobconfig;

import dev.insight.streaming.sinkstores.cassandra.CassandraOffsetStore;
import java.io.Serializable;
import java.util.List;

/**
 * The Cassandra sink: where the cluster is, the table rows go to, and the env vars holding the
 * credentials.
 */
public record CassandraSinkConfig(
    List<String> contactPoints,
    String localDatacenter,
    String keyspace,
    String table,
    ReplicationConfig replication,
    String usernameEnv,
    String passwordEnv,
    String offsetsKeyspace)
    implements Serializable {

  /** The CQL port used for contact points that name none. */
  public static final int DEFAULT_PORT = 9042;

  public CassandraSinkConfig {
    contactPoints = contactPoints == null ? List.of() : List.copyOf(contactPoints);
    replication = replication == null ? ReplicationConfig.defaults() : replication;
    offsetsKeyspace =
        offsetsKeyspace == null ? CassandraOffsetStore.DEFAULT_KEYSPACE : offsetsKeyspace;
  }

  /** The contact points' host names, without ports. */
  public List<String> hosts() {
    return contactPoints.stream()
        .map(c -> c.contains(":") ? c.substring(0, c.lastIndexOf(':')) : c)
        .toList();
  }

  /** The one CQL port of all contact points (the connector takes a single port). */
  public int port() {
    return contactPoints.stream()
        .filter(c -> c.contains(":"))
        .map(c -> Integer.parseInt(c.substring(c.lastIndexOf(':') + 1)))
        .findFirst()
        .orElse(DEFAULT_PORT);
  }

  void validate(Problems p) {
    if (p.required("sinks.cassandra.contactPoints", contactPoints)) {
      for (int i = 0; i < contactPoints.size(); i++) {
        p.matches(
            "sinks.cassandra.contactPoints[" + i + "]",
            contactPoints.get(i),
            Problems.HOST_OPTIONAL_PORT,
            "host or host:port");
      }
      if (contactPoints.stream()
              .allMatch(c -> c != null && Problems.HOST_OPTIONAL_PORT.matcher(c).matches())
          && contactPoints.stream()
                  .map(
                      c ->
                          c.contains(":")
                              ? c.substring(c.lastIndexOf(':') + 1)
                              : String.valueOf(DEFAULT_PORT))
                  .distinct()
                  .count()
              > 1) {
        p.add("sinks.cassandra.contactPoints", "must all use the same port");
      }
    }
    p.required("sinks.cassandra.localDatacenter", localDatacenter);
    p.matches(
        "sinks.cassandra.keyspace",
        keyspace,
        Problems.IDENTIFIER,
        "a keyspace name ([a-zA-Z][a-zA-Z0-9_]{0,47})");
    p.matches(
        "sinks.cassandra.table",
        table,
        Problems.IDENTIFIER,
        "a table name ([a-zA-Z][a-zA-Z0-9_]{0,47})");
    p.matches(
        "sinks.cassandra.offsetsKeyspace", offsetsKeyspace, Problems.IDENTIFIER, "a keyspace name");
    replication.validate(p, "sinks.cassandra.replication");
    if ((usernameEnv == null) != (passwordEnv == null)) {
      p.add("sinks.cassandra", "usernameEnv and passwordEnv go together: set both or neither");
    }
    if (usernameEnv != null) {
      p.matches(
          "sinks.cassandra.usernameEnv",
          usernameEnv,
          Problems.ENV_VAR,
          "an environment variable name");
    }
    if (passwordEnv != null) {
      p.matches(
          "sinks.cassandra.passwordEnv",
          passwordEnv,
          Problems.ENV_VAR,
          "an environment variable name");
    }
  }
}
