package dev.insight.streaming.jobconfig;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.insight.streaming.sinkstores.cassandra.Replication;
import java.io.Serializable;
import java.util.Map;

/**
 * Replication of a keyspace the job creates: {@code SimpleStrategy}, or {@code
 * NetworkTopologyStrategy} on the local DC.
 */
public record ReplicationConfig(@JsonProperty("class") String strategy, Integer factor)
    implements Serializable {

  public ReplicationConfig {
    strategy = strategy == null ? Replication.SIMPLE : strategy;
    factor = factor == null ? 1 : factor;
  }

  static ReplicationConfig defaults() {
    return new ReplicationConfig(null, null);
  }

  /**
   * The sinks module's replication, applying a NetworkTopologyStrategy factor to the local data
   * center.
   */
  public Replication replication(String localDatacenter) {
    return Replication.NETWORK_TOPOLOGY.equals(strategy)
        ? Replication.networkTopology(Map.of(localDatacenter, factor))
        : Replication.simple(factor);
  }

  void validate(Problems p, String path) {
    if (!Replication.SIMPLE.equals(strategy) && !Replication.NETWORK_TOPOLOGY.equals(strategy)) {
      p.add(path + ".class", "'" + strategy + "' is not SimpleStrategy or NetworkTopologyStrategy");
    }
    if (factor < 1 || factor > 10) {
      p.add(path + ".factor", "must be between 1 and 10, was " + factor);
    }
  }
}
