package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.sinksetup.CassandraCluster;
import dev.insight.streaming.operator.sinksetup.MongoCluster;

/** One sink cluster whose offset store holds processed offsets: exactly one of the two is set. */
record StoreCluster(MongoCluster mongo, CassandraCluster cassandra) {

  static StoreCluster of(MongoCluster mongo) {
    return new StoreCluster(mongo, null);
  }

  static StoreCluster of(CassandraCluster cassandra) {
    return new StoreCluster(null, cassandra);
  }

  /** Names the cluster without credentials. */
  @Override
  public String toString() {
    return mongo != null
        ? "MongoDB at " + mongo.hosts()
        : "Cassandra at " + String.join(",", cassandra.contactPoints());
  }
}
