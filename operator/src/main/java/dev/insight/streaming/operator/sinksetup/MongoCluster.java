package dev.insight.streaming.operator.sinksetup;

import com.mongodb.ConnectionString;
import java.util.Objects;

/**
 * One MongoDB deployment as the operator connects to it, by connection string (which usually
 * carries credentials). Pipelines with equal URIs share one client. {@link #toString()} shows only
 * the hosts.
 */
public record MongoCluster(String uri) {

  public MongoCluster {
    Objects.requireNonNull(uri, "uri");
  }

  /** The hosts of the connection string, for messages; never the credentials or options. */
  public String hosts() {
    try {
      return String.join(",", new ConnectionString(uri).getHosts());
    } catch (IllegalArgumentException e) {
      return "(unparseable connection string)";
    }
  }

  @Override
  public String toString() {
    return "MongoCluster[hosts=" + hosts() + "]";
  }
}
