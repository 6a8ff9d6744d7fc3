package dev.insight.streaming.job.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.spark.connector.cql.CassandraConnector;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.insight.streaming.job.Environment;
import dev.insight.streaming.jobconfig.CassandraSinkConfig;
import dev.insight.streaming.jobconfig.JobConfig;
import dev.insight.streaming.jobconfig.MongoSinkConfig;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.cassandra.CassandraOffsetStore;
import dev.insight.streaming.sinkstores.cassandra.CassandraSchema;
import dev.insight.streaming.sinkstores.mongodb.MongoOffsetStore;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.util.LongAccumulator;

/**
 * The configured sinks as the driver holds them: schemas made ready, offset stores open, the
 * task-side writer built.
 */
public final class SinkSet implements AutoCloseable {

  /** Rows per chunk a task hands to every sink; the connector batches further by partition key. */
  public static final String CHUNK_SIZE_CONF = "spark.pipeline.sink.chunkSize";

  /** Upserts per MongoDB bulk write. */
  public static final String MONGO_BULK_SIZE_CONF = "spark.pipeline.mongodb.bulkSize";

  private final JobConfig config;
  private final CqlSession cqlSession;
  private final MongoClient mongoClient;
  private final Map<String, OffsetStore> offsetStores;
  private final CassandraRows cassandraRows;
  private final MongoRows mongoRows;

  private SinkSet(
      JobConfig config,
      CqlSession cqlSession,
      MongoClient mongoClient,
      Map<String, OffsetStore> offsetStores,
      CassandraRows cassandraRows,
      MongoRows mongoRows) {
    this.config = config;
    this.cqlSession = cqlSession;
    this.mongoClient = mongoClient;
    this.offsetStores = offsetStores;
    this.cassandraRows = cassandraRows;
    this.mongoRows = mongoRows;
  }

  /** Connects to every sink and creates whatever is missing (table, collection, offset stores). */
  public static SinkSet open(JobConfig config, SparkConf conf, Environment environment) {
    Map<String, OffsetStore> stores = new LinkedHashMap<>();
    CqlSession session = null;
    MongoClient client = null;
    CassandraRows cassandraRows = null;
    MongoRows mongoRows = null;
    try {
      CassandraSinkConfig c = config.sinks().cassandra();
      if (c != null) {
        CassandraSchema schema = cassandraSchema(config);
        // the connector's session: its shaded driver implements the plain driver API the sinks
        // module uses
        session = CassandraConnector.apply(conf).openSession();
        schema.createIfMissing(session);
        CassandraOffsetStore store =
            new CassandraOffsetStore(
                session, c.offsetsKeyspace(), c.replication().replication(c.localDatacenter()));
        store.createIfMissing();
        stores.put("cassandra", store);
        cassandraRows = new CassandraRows(conf, schema);
      }
      MongoSinkConfig m = config.sinks().mongodb();
      if (m != null) {
        String uri = m.uri(environment);
        MongoSchema schema = new MongoSchema(m.database(), m.collection());
        client = MongoClients.create(uri);
        schema.createIfMissing(client);
        MongoOffsetStore store = new MongoOffsetStore(client, m.offsetsDatabase());
        store.createIfMissing();
        stores.put("mongodb", store);
        mongoRows =
            new MongoRows(
                m,
                environment,
                schema,
                conf.getInt(MONGO_BULK_SIZE_CONF, 1000),
                !config.transform().keyFields().isEmpty());
      }
    } catch (RuntimeException e) {
      closeQuietly(session, client);
      throw e;
    }
    return new SinkSet(config, session, client, stores, cassandraRows, mongoRows);
  }

  /** The Cassandra table this pipeline writes: id plus one column per configured field. */
  public static CassandraSchema cassandraSchema(JobConfig config) {
    CassandraSinkConfig c = config.sinks().cassandra();
    List<Column> columns = new ArrayList<>();
    config.transform().fields().stream()
        .filter(
            f ->
                !f.name()
                    .equals(
                        CassandraSchema.ID_COLUMN)) // the sole key field: stored as the key column
        .forEach(f -> columns.add(new Column(f.name(), f.fieldType())));
    return new CassandraSchema(
        c.keyspace(), c.table(), c.replication().replication(c.localDatacenter()), columns);
  }

  /** Each sink's offset store, by sink name. */
  public Map<String, OffsetStore> offsetStores() {
    return offsetStores;
  }

  /** The function every task runs on its partition of a batch. */
  public PartitionWriter partitionWriter(
      SparkConf conf,
      Map<String, Object> kafkaClientProperties,
      LongAccumulator written,
      LongAccumulator rejected) {
    DeadLetters deadLetters =
        new DeadLetters(
            kafkaClientProperties,
            config.kafka().bootstrapServers(),
            config.deadLetter().topic(),
            config.pipeline().key().key());
    return new PartitionWriter(
        config.transform(),
        cassandraRows,
        mongoRows,
        deadLetters,
        conf.getInt(CHUNK_SIZE_CONF, 5000),
        written,
        rejected);
  }

  @Override
  public void close() {
    closeQuietly(cqlSession, mongoClient);
  }

  private static void closeQuietly(CqlSession session, MongoClient client) {
    if (session != null) {
      session.close();
    }
    if (client != null) {
      client.close();
    }
  }
}
