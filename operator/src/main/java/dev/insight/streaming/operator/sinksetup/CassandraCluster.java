package dev.insight.streaming.operator.sinksetup;

import java.util.List;
import java.util.Objects;

/**
 * One Cassandra cluster as the operator connects to it: contact points ({@code host} or {@code
 * host:port}), local datacenter and optional credentials. Pipelines with equal clusters share one
 * session. {@link #toString()} never shows the credentials.
 */
public record CassandraCluster(
    List<String> contactPoints, String localDatacenter, String username, String password) {

  /** The CQL port of contact points that name none. */
  public static final int DEFAULT_PORT = 9042;

  public CassandraCluster {
    contactPoints = List.copyOf(contactPoints);
    Objects.requireNonNull(localDatacenter, "localDatacenter");
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("username and password go together");
    }
  }

  /** A cluster reached without authentication. */
  public static CassandraCluster of(List<String> contactPoints, String localDatacenter) {
    return new CassandraCluster(contactPoints, localDatacenter, null, null);
  }

  public boolean authenticated() {
    return username != null;
  }

  @Override
  public String toString() {
    return "CassandraCluster[contactPoints="
        + contactPoints
        + ", localDatacenter="
        + localDatacenter
        + ", credentials="
        + (authenticated() ? "from Secret" : "none")
        + "]";
  }
}
