package dev.insight.streaming.job.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.insight.streaming.job.story.JobUnderParentWatch;
import dev.insight.streaming.job.write.SinkSet;
import dev.insight.streaming.jobconfig.CassandraSinkConfig;
import dev.insight.streaming.jobconfig.FieldConfig;
import dev.insight.streaming.jobconfig.JobConfig;
import dev.insight.streaming.jobconfig.MongoSinkConfig;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.FieldType;
import dev.insight.streaming.sinkstores.cassandra.CassandraSchema;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;

/**
 * The hand-written baseline, in a JVM of its own so that its CPU time can be read apart: a plain
 * {@code KafkaConsumer} reading every partition of the job's topic from the beginning, the job's
 * own transform (projection, types, key) on each record, and the same write sizes into the same
 * sink: unordered {@code bulkWrite} of 1,000 upserts (MongoDB) or 256 prepared inserts in flight
 * (Cassandra). It commits each poll's offsets to its own consumer group, which is how the benchmark
 * watches its progress (as it watches the job's).
 *
 * <p>Arguments: {@code mongodb|cassandra <jobconfig.json> <consumer group>}; the MongoDB connection
 * string comes from the variable the config names. Runs until SIGTERM.
 */
public final class BaselineWriter {

  private static final int MONGO_BULK = 1000;
  private static final int CASSANDRA_IN_FLIGHT = 256;

  interface RowsWriter {
    void write(List<Object[]> rows);
  }

  /**
   * The transform as one would write it by hand for these fields: Jackson's tree of the record,
   * each configured field by its path, converted to its type, and the key fields joined into the
   * id.
   */
  static final class HandWrittenTransform {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    final List<String> names;
    private final List<String[]> paths;
    private final List<FieldType> types;
    private final int[] keys;

    HandWrittenTransform(List<FieldConfig> fields, List<String> keyFields) {
      names = fields.stream().map(FieldConfig::name).toList();
      paths = fields.stream().map(f -> f.effectiveSource().split("\\.")).toList();
      types = fields.stream().map(FieldConfig::fieldType).toList();
      keys = keyFields.stream().mapToInt(names::indexOf).toArray();
    }

    Object[] values(byte[] record) throws IOException {
      JsonNode root = MAPPER.readTree(record);
      Object[] values = new Object[names.size()];
      for (int i = 0; i < values.length; i++) {
        JsonNode node = root;
        for (String step : paths.get(i)) {
          node = node == null ? null : node.get(step);
        }
        if (node != null && !node.isNull()) {
          values[i] =
              switch (types.get(i)) {
                case STRING -> node.asText();
                case LONG -> node.longValue();
                case DOUBLE -> node.doubleValue();
                case BOOLEAN -> node.booleanValue();
                case TIMESTAMP -> Instant.ofEpochMilli(node.longValue());
              };
        }
      }
      return values;
    }

    String id(Object[] values) {
      if (keys.length == 1) {
        return values[keys[0]].toString();
      }
      StringBuilder id = new StringBuilder();
      for (int k : keys) {
        id.append(id.length() > 0 ? "/" : "").append(values[k]);
      }
      return id.toString();
    }
  }

  public static void main(String[] args) throws Exception {
    JobUnderParentWatch.haltWhenParentExits();
    String sink = args[0];
    JobConfig config = JobConfig.read(Path.of(args[1]));
    String group = args[2];
    HandWrittenTransform transform =
        new HandWrittenTransform(config.transform().fields(), config.transform().keyFields());
    switch (sink) {
      case "mongodb" -> mongo(config, group, transform);
      case "cassandra" -> cassandra(config, group, transform);
      default -> throw new IllegalArgumentException("sink must be mongodb or cassandra: " + sink);
    }
  }

  private static void mongo(JobConfig config, String group, HandWrittenTransform transform)
      throws IOException {
    MongoSinkConfig m = config.sinks().mongodb();
    try (MongoClient client =
        MongoClients.create(m.uri(dev.insight.streaming.job.Environment.system()))) {
      new MongoSchema(m.database(), m.collection()).createIfMissing(client);
      MongoCollection<Document> target =
          client.getDatabase(m.database()).getCollection(m.collection());
      ReplaceOptions upsert = new ReplaceOptions().upsert(true);
      BulkWriteOptions unordered = new BulkWriteOptions().ordered(false);
      consume(
          config,
          group,
          transform,
          MONGO_BULK,
          rows -> {
            List<WriteModel<Document>> bulk = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
              String id = transform.id(row);
              Document doc = new Document(MongoSchema.ID_FIELD, id);
              for (int i = 0; i < row.length; i++) {
                doc.append(transform.names.get(i), row[i]);
              }
              bulk.add(new ReplaceOneModel<>(Filters.eq(MongoSchema.ID_FIELD, id), doc, upsert));
            }
            target.bulkWrite(bulk, unordered);
          });
    }
  }

  private static void cassandra(JobConfig config, String group, HandWrittenTransform transform)
      throws IOException {
    CassandraSinkConfig c = config.sinks().cassandra();
    CassandraSchema schema = SinkSet.cassandraSchema(config);
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(c.hosts().get(0), c.port()))
            .withLocalDatacenter(c.localDatacenter())
            // the connector's writes wait up to 2 minutes too; the driver's 2 s default fails under
            // 256 in flight here
            .withConfigLoader(
                DriverConfigLoader.programmaticBuilder()
                    .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofMinutes(2))
                    .build())
            .build()) {
      schema.ensure(session);
      List<String> fields = schema.columns().stream().map(Column::name).toList();
      PreparedStatement insert =
          session.prepare(
              "INSERT INTO "
                  + schema.keyspace()
                  + "."
                  + schema.table()
                  + " (id, "
                  + fields.stream().map(f -> "\"" + f + "\"").collect(Collectors.joining(", "))
                  + ") VALUES (?"
                  + ", ?".repeat(fields.size())
                  + ")");
      Semaphore inFlight = new Semaphore(CASSANDRA_IN_FLIGHT);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      consume(
          config,
          group,
          transform,
          1000,
          rows -> {
            for (Object[] row : rows) {
              Object[] values = new Object[row.length + 1];
              values[0] = transform.id(row);
              System.arraycopy(row, 0, values, 1, row.length);
              inFlight.acquireUninterruptibly();
              session
                  .executeAsync(insert.bind(values))
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          failure.set(e);
                        }
                        inFlight.release();
                      });
            }
            // this poll's rows are acknowledged before its offsets are committed
            inFlight.acquireUninterruptibly(CASSANDRA_IN_FLIGHT);
            inFlight.release(CASSANDRA_IN_FLIGHT);
            if (failure.get() != null) {
              throw new IllegalStateException(failure.get());
            }
          });
    }
  }

  private static void consume(
      JobConfig config,
      String group,
      HandWrittenTransform transform,
      int pollSize,
      RowsWriter writer)
      throws IOException {
    Properties p = new Properties();
    p.put("bootstrap.servers", config.kafka().bootstrapServers());
    p.put("group.id", group);
    p.put("enable.auto.commit", false);
    p.put("max.poll.records", pollSize);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : config.kafka().topics()) {
        consumer
            .partitionsFor(topic)
            .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (true) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
        if (polled.isEmpty()) {
          continue;
        }
        List<Object[]> rows = new ArrayList<>(polled.count());
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          rows.add(transform.values(r.value()));
        }
        writer.write(rows);
        consumer.commitAsync();
      }
    }
  }
}
