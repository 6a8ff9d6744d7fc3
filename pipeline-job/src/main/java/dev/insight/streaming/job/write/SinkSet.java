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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured sinks as the driver holds them: schemas made ready, offset stores open, the
 * task-side writer built.
 */
public final class SinkSet implements AutoCloseable {

  /** Rows per chunk a task hands to every sink; the connector batches further by partition key. */
  public static final String CHUNK_SIZE_CONF = "spark.pipeline.sink.chunkSize";

  /** Upserts per MongoDB bulk write. */
  public static final String MONGO_BULK_SIZE_CONF = "spark.pipeline.mongodb.bulkSize";

  private static final Logger LOG = LoggerFactory.getLogger(SinkSet.class);

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

  /**
   * Connects to every sink and creates whatever is missing (table, columns, collection, offset
   * stores); a Cassandra column whose type differs from its field's fails the start with a {@link
   * dev.insight.streaming.sinkstores.cassandra.ColumnTypeConflict}.
   */
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
        // the operator's sink step runs the same evolution first; a job started by hand needs it
        // too
        List<Column> added = schema.ensure(session);
        if (!added.isEmpty()) {
          LOG.info(
              "added columns {} to {}.{}",
              added.stream().map(Column::name).toList(),
              schema.keyspace(),
              schema.table());
        }
        CassandraOffsetStore store =
            new CassandraOffsetStore(
                session, c.offsetsKeyspace(), c.replication().replication(c.localDatacenter()));
        store.createIfMissing();
        stores.put("cassandra", store);
        cassandraRows = new CassandraRows(conf, c, environment, schema);
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

  /**
   * The Cassandra table this pipeline writes: id plus one column per configured field (a field
   * named id is the id), or id plus the whole record as JSON when no field is configured.
   */
  public static CassandraSchema cassandraSchema(JobConfig config) {
    CassandraSinkConfig c = config.sinks().cassandra();
    List<Column> fields =
        config.transform().fields().stream().map(f -> new Column(f.name(), f.fieldType())).toList();
    return CassandraSchema.forFields(
        c.keyspace(), c.table(), c.replication().replication(c.localDatacenter()), fields);
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
