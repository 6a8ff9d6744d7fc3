package dev.insight.streaming.local.demo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.insight.streaming.operator.api.StreamingPipeline;
import java.net.InetSocketAddress;
import java.util.OptionalLong;

/** Counts the rows a pipeline wrote into each of its sinks, straight from the stores. */
public final class SinkCounter implements AutoCloseable {

  private final CqlSession cassandra;
  private final MongoClient mongo;
  private final String cassandraTable;
  private final String mongoDatabase;
  private final String mongoCollection;

  public SinkCounter(StreamingPipeline pipeline, ServerAddresses servers) {
    var sinks = pipeline.getSpec().getSinks();
    if (sinks.getCassandra() != null) {
      String[] hostPort = servers.cassandraContactPoint().split(":");
      cassandra =
          CqlSession.builder()
              .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
              .withLocalDatacenter(servers.cassandraDatacenter())
              .build();
      cassandraTable = sinks.getCassandra().getKeyspace() + "." + sinks.getCassandra().getTable();
    } else {
      cassandra = null;
      cassandraTable = null;
    }
    if (sinks.getMongodb() != null) {
      mongo = MongoClients.create(servers.mongoUri());
      mongoDatabase = sinks.getMongodb().getDatabase();
      mongoCollection = sinks.getMongodb().getCollection();
    } else {
      mongo = null;
      mongoDatabase = null;
      mongoCollection = null;
    }
  }

  /** Rows in the Cassandra table; empty without a Cassandra sink or before the table exists. */
  public OptionalLong cassandraRows() {
    if (cassandra == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(
          cassandra.execute("SELECT count(*) FROM " + cassandraTable).one().getLong(0));
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** Documents in the MongoDB collection; empty without a MongoDB sink. */
  public OptionalLong mongoDocuments() {
    if (mongo == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(
          mongo.getDatabase(mongoDatabase).getCollection(mongoCollection).countDocuments());
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  public String cassandraTable() {
    return cassandraTable;
  }

  public String mongoCollection() {
    return mongoDatabase == null ? null : mongoDatabase + "." + mongoCollection;
  }

  @Override
  public void close() {
    if (cassandra != null) {
      cassandra.close();
    }
    if (mongo != null) {
      mongo.close();
    }
  }
}
