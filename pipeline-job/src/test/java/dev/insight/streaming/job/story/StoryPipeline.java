package dev.insight.streaming.job.story;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedKafkaCluster;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.jobconfig.JobConfig;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.PipelineKey;
import dev.insight.streaming.sinkstores.RetentionGap;
import dev.insight.streaming.sinkstores.cassandra.CassandraOffsetStore;
import dev.insight.streaming.sinkstores.cassandra.Replication;
import dev.insight.streaming.sinkstores.mongodb.MongoOffsetStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;

/**
 * One pipeline of a story over the shared real servers: its own topic, keyspace/table and
 * collection, a JobConfig file, a producer, and readers for what landed in each sink and offset
 * store.
 *
 * <p>Records carry a sequence number {@code seq}; every field is a function of it, so content is
 * checked exactly.
 */
final class StoryPipeline implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  final String name;
  final String topic;
  final PipelineKey key;
  private final EmbeddedMongo mongo;
  private final Admin admin;
  private final KafkaProducer<String, String> producer;
  private final CqlSession cql;
  private final MongoClient mongoClient;
  private final ObjectNode config;

  StoryPipeline(
      String name,
      int partitions,
      EmbeddedKafka kafka,
      EmbeddedCassandra cassandra,
      EmbeddedMongo mongo)
      throws Exception {
    this(
        name,
        kafka.bootstrapServers(),
        admin ->
            admin
                .createTopics(List.of(new NewTopic(name + ".events", partitions, (short) 1)))
                .all()
                .get(),
        Map.of(),
        cassandra,
        mongo);
  }

  /**
   * A pipeline on a cluster: its topic replicated on all three nodes with {@code
   * min.insync.replicas=2}, and a producer that counts a record only once every in-sync replica has
   * it ({@code acks=all}) and retries, idempotently, through a leader's death.
   */
  StoryPipeline(
      String name,
      int partitions,
      EmbeddedKafkaCluster cluster,
      EmbeddedCassandra cassandra,
      EmbeddedMongo mongo)
      throws Exception {
    this(
        name,
        cluster.bootstrapServers(),
        admin ->
            cluster.createTopic(
                name + ".events", partitions, 3, Map.of("min.insync.replicas", "2")),
        Map.of(
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.RETRIES_CONFIG,
            Integer.MAX_VALUE,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            180_000),
        cassandra,
        mongo);
  }

  /** Creates the story's topic on the admin client it is given. */
  @FunctionalInterface
  interface TopicCreation {
    void create(Admin admin) throws Exception;
  }

  private StoryPipeline(
      String name,
      String bootstrap,
      TopicCreation topicCreation,
      Map<String, Object> producerSettings,
      EmbeddedCassandra cassandra,
      EmbeddedMongo mongo)
      throws Exception {
    this.name = name;
    this.topic = name + ".events";
    this.key = new PipelineKey("stories", name);
    this.mongo = mongo;
    admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
    topicCreation.create(admin);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.putAll(producerSettings);
    producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    cql =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
            .withLocalDatacenter(cassandra.localDatacenter())
            .build();
    mongoClient = MongoClients.create(mongo.connectionString());

    config = JSON.createObjectNode();
    config.putObject("pipeline").put("namespace", key.namespace()).put("name", name);
    ObjectNode k = config.putObject("kafka").put("bootstrapServers", bootstrap);
    k.putArray("topics").add(topic);
    config.putObject("stream").put("batchInterval", "1s").put("partitionDiscoveryInterval", "2s");
    ObjectNode transform = config.putObject("transform");
    ArrayNode fields = transform.putArray("fields");
    fields.addObject().put("name", "seq").put("type", "long");
    fields.addObject().put("name", "customer").put("source", "customer.name").put("type", "string");
    fields.addObject().put("name", "amount").put("type", "double");
    fields.addObject().put("name", "paid").put("type", "boolean");
    fields.addObject().put("name", "placedAt").put("source", "at").put("type", "timestamp");
    ObjectNode sinks = config.putObject("sinks");
    sinks
        .putObject("cassandra")
        .put("localDatacenter", cassandra.localDatacenter())
        .put("keyspace", "stories")
        .put("table", name.replace('-', '_'))
        .putArray("contactPoints")
        .add(cassandra.host() + ":" + cassandra.port());
    sinks
        .putObject("mongodb")
        .put("uriEnv", "MONGODB_URI")
        .put("database", "stories")
        .put("collection", name);
  }

  /** Lets a story change the config before the job starts (rates, key fields). */
  String topic() {
    return topic;
  }

  ObjectNode config() {
    return config;
  }

  /** Writes the JobConfig (validated by the job's own parser first) and starts the job. */
  JobProcess startJob(String logName) throws Exception {
    String json = JSON.writeValueAsString(config);
    JobConfig.parse(json);
    Path file = Files.createTempFile("jobconfig-" + name, ".json");
    Files.writeString(file, json);
    file.toFile().deleteOnExit();
    return JobProcess.start(
        file, Map.of("MONGODB_URI", mongo.connectionString()), name + "-" + logName);
  }

  /** The JSON record for a sequence number. */
  static String record(long seq) {
    return "{\"seq\":"
        + seq
        + ",\"customer\":{\"name\":\"customer-"
        + (seq % 97)
        + "\"},\"amount\":"
        + (seq * 0.25)
        + ",\"paid\":"
        + (seq % 3 == 0)
        + ",\"at\":\""
        + at(seq)
        + "\",\"note\":\"padding to about one hundred\"}";
  }

  static Instant at(long seq) {
    return Instant.parse("2024-01-01T00:00:00Z").plusMillis(seq * 1000);
  }

  /**
   * Produces records {@code from..to-1} round-robin over the given partitions and waits for all
   * acks.
   */
  void produce(long from, long to, int partitions) throws Exception {
    for (long seq = from; seq < to; seq++) {
      producer.send(new ProducerRecord<>(topic, (int) (seq % partitions), null, record(seq)));
    }
    producer.flush();
  }

  /** Sends record {@code seq} to a partition with an explicit Kafka timestamp, without waiting. */
  void sendAt(int partition, long timestamp, long seq) {
    producer.send(new ProducerRecord<>(topic, partition, timestamp, null, record(seq)));
  }

  /**
   * Sends record {@code seq} to {@code partition} without waiting; {@code acknowledged} hears the
   * broker's answer (metadata, or the error after the producer gave up).
   */
  void send(long seq, int partition, org.apache.kafka.clients.producer.Callback acknowledged) {
    producer.send(new ProducerRecord<>(topic, partition, null, record(seq)), acknowledged);
  }

  void flush() {
    producer.flush();
  }

  /**
   * Forgets the pipeline's stored offsets in both stores, so its next start reads from the
   * beginning.
   */
  void forgetStoredOffsets() {
    cql.execute(
        "DELETE FROM "
            + CassandraOffsetStore.DEFAULT_KEYSPACE
            + "."
            + CassandraOffsetStore.OFFSETS_TABLE
            + " WHERE pipeline = '"
            + key.key()
            + "'");
    mongoClient
        .getDatabase(MongoOffsetStore.DEFAULT_DATABASE)
        .getCollection(MongoOffsetStore.OFFSETS_COLLECTION)
        .deleteMany(new Document("pipeline", key.key()));
  }

  void produceRaw(int partition, String value) {
    producer.send(new ProducerRecord<>(topic, partition, null, value));
    producer.flush();
  }

  Admin admin() {
    return admin;
  }

  Map<TopicPartition, Long> endOffsets() throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  List<PartitionOffset> cassandraOffsets() {
    return cassandraStore().read(key);
  }

  List<PartitionOffset> mongoOffsets() {
    return mongoStore().read(key);
  }

  List<RetentionGap> cassandraGaps() {
    return cassandraStore().gaps(key);
  }

  List<RetentionGap> mongoGaps() {
    return mongoStore().gaps(key);
  }

  /** Sum of the stored offsets in the store that is furthest behind. */
  long storedProgress() {
    long c = cassandraOffsets().stream().mapToLong(PartitionOffset::offset).sum();
    long m = mongoOffsets().stream().mapToLong(PartitionOffset::offset).sum();
    return Math.min(c, m);
  }

  /** True when both stores hold exactly the topic's end offsets. */
  boolean caughtUp() throws Exception {
    Map<TopicPartition, Long> ends = endOffsets();
    return asMap(cassandraOffsets()).equals(ends) && asMap(mongoOffsets()).equals(ends);
  }

  static Map<TopicPartition, Long> asMap(List<PartitionOffset> offsets) {
    Map<TopicPartition, Long> m = new HashMap<>();
    offsets.forEach(o -> m.put(new TopicPartition(o.topic(), o.partition()), o.offset()));
    return m;
  }

  /** A session on the shared Cassandra node, e.g. to shape a table before the job starts. */
  CqlSession cql() {
    return cql;
  }

  /** The Cassandra table of this pipeline (in keyspace {@code stories}). */
  String table() {
    return name.replace('-', '_');
  }

  List<Row> cassandraRows() {
    return cql.execute("SELECT * FROM stories." + name.replace('-', '_')).all();
  }

  List<Document> mongoDocuments() {
    return mongoClient
        .getDatabase("stories")
        .getCollection(name)
        .find()
        .into(new java.util.ArrayList<>());
  }

  /**
   * Each sink holds one row per record below the offsets, and nothing else, with the right content.
   */
  static void assertExactly(StoryPipeline p, Map<TopicPartition, Long> offsets) {
    Set<String> expected = new HashSet<>();
    offsets.forEach(
        (tp, end) -> {
          for (long o = 0; o < end; o++) {
            expected.add(tp.topic() + "/" + tp.partition() + "/" + o);
          }
        });
    List<Row> rows = p.cassandraRows();
    Set<String> cassandraIds = new HashSet<>();
    for (Row row : rows) {
      cassandraIds.add(row.getString("id"));
      assertCassandraRowMatchesItsRecord(row);
    }
    assertThat(rows).hasSize(expected.size());
    assertThat(cassandraIds).isEqualTo(expected);

    List<Document> docs = p.mongoDocuments();
    Set<String> mongoIds = new HashSet<>();
    for (Document doc : docs) {
      mongoIds.add(doc.getString("_id"));
      assertMongoDocumentMatchesItsRecord(doc);
    }
    assertThat(docs).hasSize(expected.size());
    assertThat(mongoIds).isEqualTo(expected);
    assertThat(asMap(p.cassandraOffsets())).isEqualTo(offsets);
    assertThat(asMap(p.mongoOffsets())).isEqualTo(offsets);
  }

  /** Asserts every Cassandra row's fields are exactly what its record's sequence number says. */
  static void assertCassandraRowMatchesItsRecord(Row row) {
    long seq = row.getLong("seq");
    assertThat(row.getString("customer"))
        .as("customer of %d", seq)
        .isEqualTo("customer-" + (seq % 97));
    assertThat(row.getDouble("amount")).as("amount of %d", seq).isEqualTo(seq * 0.25);
    assertThat(row.getBoolean("paid")).as("paid of %d", seq).isEqualTo(seq % 3 == 0);
    assertThat(row.getInstant("\"placedAt\"")).as("placedAt of %d", seq).isEqualTo(at(seq));
  }

  /** Asserts every MongoDB document's fields are exactly what its record's sequence number says. */
  static void assertMongoDocumentMatchesItsRecord(Document doc) {
    long seq = doc.get("seq", Number.class).longValue();
    assertThat(doc.getString("customer"))
        .as("customer of %d", seq)
        .isEqualTo("customer-" + (seq % 97));
    assertThat(doc.getDouble("amount")).as("amount of %d", seq).isEqualTo(seq * 0.25);
    assertThat(doc.getBoolean("paid")).as("paid of %d", seq).isEqualTo(seq % 3 == 0);
    assertThat(doc.getDate("placedAt").toInstant()).as("placedAt of %d", seq).isEqualTo(at(seq));
  }

  static void await(String what, Duration timeout, JobProcess job, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!holds(condition)) {
      if (job != null && !job.isAlive()) {
        throw new AssertionError(
            "the job exited while waiting for " + what + "; log:\n" + tail(job.log()));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out waiting for " + what + (job == null ? "" : "; log:\n" + tail(job.log())));
      }
      Thread.sleep(250);
    }
  }

  // the stores' tables appear only once the job has created them
  private static boolean holds(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  static String tail(String log) {
    return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
  }

  private CassandraOffsetStore cassandraStore() {
    return new CassandraOffsetStore(
        cql, CassandraOffsetStore.DEFAULT_KEYSPACE, Replication.simple(1));
  }

  private MongoOffsetStore mongoStore() {
    return new MongoOffsetStore(mongoClient, MongoOffsetStore.DEFAULT_DATABASE);
  }

  @Override
  public void close() {
    producer.close();
    admin.close();
    cql.close();
    mongoClient.close();
  }
}
