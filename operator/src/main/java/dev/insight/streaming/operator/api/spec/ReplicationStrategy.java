package dev.insight.streaming.operator.api.spec;

/** Cassandra replication strategy class. */
public enum ReplicationStrategy {
  SimpleStrategy,
  /** The factor applies to the sink's local datacenter. */
  NetworkTopologyStrategy
}
