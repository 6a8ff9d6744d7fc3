package dev.insight.streaming.job.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.job.PipelineJob;
import dev.insight.streaming.job.transform.SinkRow;
import dev.insight.streaming.job.transform.SourceRecord;
import dev.insight.streaming.job.transform.Transformation;
import dev.insight.streaming.job.write.SinkSet;
import dev.insight.streaming.jobconfig.JobConfig;
import dev.insight.streaming.sinkstores.cassandra.CassandraSchema;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.SparkConf;
import org.bson.Document;

/**
 * The sink benchmark: 1,000,000 records of about 100 bytes in 4 partitions, each job run side by
 * side (same run, same servers, same topic) with a plain KafkaConsumer baseline bulk-upserting the
 * same rows. Throughput is steady-state: records/s between 20% and 100% progress, so start-up
 * (Spark's, the driver's connections) counts for neither side.
 */
public final class SinkBenchmark {

  private static final int PARTITIONS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0); // the shared servers stop in their shutdown hook
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    EmbeddedKafka kafka = SharedServers.kafka();
    EmbeddedCassandra cassandra = SharedServers.cassandra();
    EmbeddedMongo mongo = SharedServers.mongo();
    String topic = "bench.events";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    }
    produce(kafka, topic, records);

    List<String> lines = new ArrayList<>();
    double mongoBase = mongoBaseline(kafka, mongo, topic, records);
    dropMeasured(mongo, "mongo_base");
    double mongoJob = job(kafka, cassandra, mongo, topic, records, "mongo", false, true, true);
    dropMeasured(mongo, "mongo");
    lines.add(
        line("MongoDB sink vs consumer + bulkWrite(1,000 upserts)", mongoJob, mongoBase, 0.8));
    double cassandraBase = cassandraBaseline(kafka, cassandra, topic, records);
    double cassandraJob =
        job(kafka, cassandra, mongo, topic, records, "cassandra", true, false, true);
    lines.add(
        line(
            "Cassandra sink vs consumer + 256 async prepared inserts",
            cassandraJob,
            cassandraBase,
            0.8));
    double withOffsets =
        job(kafka, cassandra, mongo, topic, records, "offsets_on", false, true, true);
    dropMeasured(mongo, "offsets_on");
    double withoutOffsets =
        job(kafka, cassandra, mongo, topic, records, "offsets_off", false, true, false);
    dropMeasured(mongo, "offsets_off");
    lines.add(
        line(
            "MongoDB job with offset stores vs offset writes off",
            withOffsets,
            withoutOffsets,
            0.9));
    System.out.println();
    System.out.printf(
        "%,d records, %d partitions, local[2]; records/s between 20%% and 100%% progress%n",
        records, PARTITIONS);
    lines.forEach(System.out::println);
  }

  private static String line(String what, double measured, double baseline, double target) {
    double ratio = measured / baseline;
    return String.format(
        "| %s | %,.0f | %,.0f | %.2f | >= %.1f %s |",
        what, measured, baseline, ratio, target, ratio >= target ? "met" : "NOT met");
  }

  private static void produce(EmbeddedKafka kafka, String topic, long records) {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("linger.ms", 20);
    p.put("batch.size", 512 * 1024);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (long i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, (int) (i % PARTITIONS), null, record(i)));
      }
    }
  }

  /** About 100 bytes. */
  static String record(long i) {
    return "{\"id\":\"e-"
        + i
        + "\",\"user\":\"u-"
        + (i % 1000)
        + "\",\"amount\":"
        + (i % 10000) / 100.0
        + ",\"ok\":"
        + (i % 2 == 0)
        + ",\"at\":"
        + (1_700_000_000_000L + i)
        + ",\"pad\":\"xxxxxxxx\"}";
  }

  private static ObjectNode config(
      EmbeddedKafka kafka,
      EmbeddedCassandra cassandra,
      String topic,
      String name,
      boolean toCassandra,
      boolean toMongo) {
    ObjectNode c = JSON.createObjectNode();
    c.putObject("pipeline").put("namespace", "bench").put("name", name);
    c.putObject("kafka")
        .put("bootstrapServers", kafka.bootstrapServers())
        .putArray("topics")
        .add(topic);
    c.putObject("stream").put("batchInterval", "1s").put("maxRatePerPartition", 25_000);
    ObjectNode t = c.putObject("transform");
    t.putArray("keyFields").add("eventId");
    var f = t.putArray("fields");
    f.addObject().put("name", "eventId").put("source", "id").put("type", "string");
    f.addObject().put("name", "userId").put("source", "user").put("type", "string");
    f.addObject().put("name", "amount").put("type", "double");
    f.addObject().put("name", "ok").put("type", "boolean");
    f.addObject().put("name", "at").put("type", "timestamp");
    ObjectNode sinks = c.putObject("sinks");
    if (toCassandra) {
      sinks
          .putObject("cassandra")
          .put("localDatacenter", cassandra.localDatacenter())
          .put("keyspace", "bench")
          .put("table", name)
          .putArray("contactPoints")
          .add(cassandra.host() + ":" + cassandra.port());
    }
    if (toMongo) {
      sinks
          .putObject("mongodb")
          .put("uriEnv", "MONGODB_URI")
          .put("database", "bench")
          .put("collection", name);
    }
    return c;
  }

  private static double job(
      EmbeddedKafka kafka,
      EmbeddedCassandra cassandra,
      EmbeddedMongo mongo,
      String topic,
      long records,
      String name,
      boolean toCassandra,
      boolean toMongo,
      boolean offsetWrites)
      throws Exception {
    JobConfig config =
        JobConfig.parse(
            JSON.writeValueAsString(config(kafka, cassandra, topic, name, toCassandra, toMongo)));
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.host", "127.0.0.1");
    PipelineJob job =
        new PipelineJob(config, conf, Map.of("MONGODB_URI", mongo.connectionString())::get);
    if (!offsetWrites) {
      job.withoutOffsetWrites();
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                job.run();
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "bench-job-" + name);
    runner.start();
    // the consumer group's commits measure both variants alike (commitAsync lands with the next
    // batch)
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      String group = config.kafka().consumerGroup();
      double rate =
          measure(
              "job " + name,
              records,
              () -> {
                if (failure.get() != null) {
                  throw new IllegalStateException("job failed", failure.get());
                }
                try {
                  Map<TopicPartition, OffsetAndMetadata> committed =
                      admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                  return committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
                } catch (Exception e) {
                  return 0;
                }
              });
      job.requestStop();
      runner.join();
      return rate;
    }
  }

  /**
   * The MongoDB-wire server keeps documents in this JVM's heap: a measured run's million rows are
   * dropped before the next run, so no run pays for the garbage collection of another's data.
   */
  private static void dropMeasured(EmbeddedMongo mongo, String collection) {
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      client.getDatabase("bench").getCollection(collection).drop();
    }
    System.gc();
  }

  private static double mongoBaseline(
      EmbeddedKafka kafka, EmbeddedMongo mongo, String topic, long records) throws Exception {
    JobConfig config =
        JobConfig.parse(
            JSON.writeValueAsString(config(kafka, null, topic, "mongo_base", false, true)));
    Transformation transformation = Transformation.of(config.transform());
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      new MongoSchema("bench", "mongo_base").createIfMissing(client);
      MongoCollection<Document> target = client.getDatabase("bench").getCollection("mongo_base");
      return consume(
          kafka,
          topic,
          records,
          "baseline mongo",
          rows -> {
            List<WriteModel<Document>> bulk = new ArrayList<>(rows.size());
            for (SinkRow row : rows) {
              Document doc = new Document("_id", row.id());
              doc.putAll(row.fields());
              bulk.add(
                  new ReplaceOneModel<>(
                      Filters.eq("_id", row.id()), doc, new ReplaceOptions().upsert(true)));
            }
            target.bulkWrite(bulk, new BulkWriteOptions().ordered(false));
          },
          transformation);
    }
  }

  private static double cassandraBaseline(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, String topic, long records)
      throws Exception {
    JobConfig config =
        JobConfig.parse(
            JSON.writeValueAsString(
                config(kafka, cassandra, topic, "cassandra_base", true, false)));
    Transformation transformation = Transformation.of(config.transform());
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
            .withLocalDatacenter(cassandra.localDatacenter())
            // the connector's writes wait up to 2 minutes too; the driver's 2 s default fails under
            // 256 in flight here
            .withConfigLoader(
                DriverConfigLoader.programmaticBuilder()
                    .withDuration(
                        DefaultDriverOption.REQUEST_TIMEOUT, java.time.Duration.ofMinutes(2))
                    .build())
            .build()) {
      CassandraSchema schema = SinkSet.cassandraSchema(config);
      schema.ensure(session);
      PreparedStatement insert =
          session.prepare(
              "INSERT INTO bench.cassandra_base (id, \"eventId\", \"userId\", amount, ok, at)"
                  + " VALUES (?, ?, ?, ?, ?, ?)");
      Semaphore inFlight = new Semaphore(256);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      return consume(
          kafka,
          topic,
          records,
          "baseline cassandra",
          rows -> {
            for (SinkRow row : rows) {
              Map<String, Object> f = row.fields();
              inFlight.acquireUninterruptibly();
              session
                  .executeAsync(
                      insert.bind(
                          row.id(),
                          f.get("eventId"),
                          f.get("userId"),
                          f.get("amount"),
                          f.get("ok"),
                          f.get("at")))
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          failure.set(e);
                        }
                        inFlight.release();
                      });
            }
            inFlight.acquireUninterruptibly(
                256); // this poll's rows are acknowledged before it counts
            inFlight.release(256);
            if (failure.get() != null) {
              throw new IllegalStateException(failure.get());
            }
          },
          transformation);
    }
  }

  interface RowsWriter {
    void write(List<SinkRow> rows);
  }

  private static double consume(
      EmbeddedKafka kafka,
      String topic,
      long records,
      String what,
      RowsWriter writer,
      Transformation transformation)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("max.poll.records", 1000);
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread loop =
        new Thread(
            () -> {
              try (KafkaConsumer<byte[], byte[]> consumer =
                  new KafkaConsumer<>(
                      p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (int i = 0; i < PARTITIONS; i++) {
                  partitions.add(new TopicPartition(topic, i));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (done.get() < records) {
                  List<SinkRow> rows = new ArrayList<>();
                  int polled = 0;
                  for (ConsumerRecord<byte[], byte[]> r :
                      consumer.poll(java.time.Duration.ofMillis(200))) {
                    polled++;
                    rows.add(
                        transformation.apply(
                            new SourceRecord(
                                r.topic(), r.partition(), r.offset(), r.timestamp(), r.value())));
                  }
                  if (!rows.isEmpty()) {
                    writer.write(rows);
                  }
                  done.addAndGet(polled);
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            what);
    loop.start();
    double rate =
        measure(
            what,
            records,
            () -> {
              if (failure.get() != null) {
                throw new IllegalStateException(what + " failed", failure.get());
              }
              return done.get();
            });
    loop.join();
    return rate;
  }

  /** Records/s between 20% and 100% of the records. */
  private static double measure(String what, long records, LongSupplier progress)
      throws InterruptedException {
    long from = records / 5;
    long t1 = 0;
    long atT1 = 0;
    while (true) {
      long now = System.nanoTime();
      long done = progress.getAsLong();
      if (t1 == 0 && done >= from) {
        t1 = now;
        atT1 = done;
      }
      if (done >= records) {
        double rate = (done - atT1) / ((now - t1) / 1e9);
        System.out.printf("%s: %,.0f records/s%n", what, rate);
        return rate;
      }
      Thread.sleep(50);
    }
  }
}
