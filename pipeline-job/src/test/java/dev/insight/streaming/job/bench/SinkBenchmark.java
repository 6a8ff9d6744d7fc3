package dev.insight.streaming.job.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.job.story.JobUnderParentWatch;
import dev.insight.streaming.jobconfig.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The sink benchmark: 3,000,000 records of about 100 bytes in 4 partitions, read by the job and by
 * a hand-written baseline ({@link BaselineWriter}) one after the other, each in a JVM of its own
 * with the same flags, against the same servers (which run in other processes, or in this one).
 *
 * <p>For each side: records/s and CPU-seconds per million records, both in a window from half of
 * the records (start-up counts for neither side; the whole run's CPU is printed too). Progress is
 * the job's finished batches as its log tells them, and the baseline's consumer group offsets,
 * committed once its rows are acknowledged. CPU is user plus system time of the side's JVM as the
 * kernel accounts it. {@code -Dbench.jfr=<dir>} records each side with JFR for {@link
 * JfrTopFrames}.
 */
public final class SinkBenchmark {

  private static final int PARTITIONS = 4;

  /**
   * The job's batch pacing: the resource's defaults (5 s batches, backpressure on, no rate cap)
   * unless {@code -Dbench.batchInterval}, {@code -Dbench.maxRatePerPartition} or {@code
   * -Dbench.backpressure} say otherwise.
   */
  static final String BATCH_INTERVAL = System.getProperty("bench.batchInterval", "");

  static final String MAX_RATE_PER_PARTITION = System.getProperty("bench.maxRatePerPartition", "");
  static final String BACKPRESSURE = System.getProperty("bench.backpressure", "");

  // a side that has written nothing for this long is stuck, or its progress is not being read
  private static final Duration STALLED_AFTER = Duration.ofMinutes(3);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path WORK = Path.of("target", "bench");
  // where the measured window starts, as a share of the records: after the JIT compilers' warm-up
  private static final double FROM = Double.parseDouble(System.getProperty("bench.from", "0.5"));

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0); // the shared servers stop in their shutdown hook
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** What one side did in the measured window. */
  record Measured(
      String side,
      double recordsPerSecond,
      double cpuSecondsPerMillion,
      double cpuTotal,
      double jitSecondsPerMillion) {}

  private static void run(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 3_000_000;
    List<String> which =
        args.length > 1 ? List.of(args[1].split(",")) : List.of("mongodb", "cassandra", "offsets");
    Files.createDirectories(WORK);
    EmbeddedKafka kafka = SharedServers.kafka();
    EmbeddedMongo mongo = SharedServers.mongo();
    EmbeddedCassandra cassandra = which.contains("cassandra") ? SharedServers.cassandra() : null;
    String topic = "bench.events";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    }
    System.out.printf("producing %,d records%n", records);
    produce(kafka, topic, records);
    Map<String, String> env = Map.of("MONGODB_URI", mongo.connectionString());

    List<String> lines = new ArrayList<>();
    if (which.contains("mongodb")) {
      Measured base =
          side(
              kafka,
              records,
              "baseline-mongodb",
              BaselineWriter.class,
              config(kafka, null, topic, "mongo_base", false, true),
              "mongodb",
              env);
      dropMeasured(mongo, "mongo_base");
      Measured job =
          side(
              kafka,
              records,
              "job-mongodb",
              JobUnderParentWatch.class,
              config(kafka, null, topic, "mongo", false, true),
              null,
              env);
      dropMeasured(mongo, "mongo");
      lines.addAll(lines("MongoDB", job, base, 0.9));
    }
    if (which.contains("cassandra")) {
      Measured base =
          side(
              kafka,
              records,
              "baseline-cassandra",
              BaselineWriter.class,
              config(kafka, cassandra, topic, "cassandra_base", true, false),
              "cassandra",
              env);
      Measured job =
          side(
              kafka,
              records,
              "job-cassandra",
              JobUnderParentWatch.class,
              config(kafka, cassandra, topic, "cassandra", true, false),
              null,
              env);
      lines.addAll(lines("Cassandra", job, base, 0.85));
    }
    if (which.contains("offsets")) {
      Measured on =
          side(
              kafka,
              records,
              "job-offsets-on",
              JobUnderParentWatch.class,
              config(kafka, null, topic, "offsets_on", false, true),
              null,
              env);
      dropMeasured(mongo, "offsets_on");
      Measured off =
          side(
              kafka,
              records,
              "job-offsets-off",
              JobWithoutOffsetWrites.class,
              config(kafka, null, topic, "offsets_off", false, true),
              null,
              env);
      dropMeasured(mongo, "offsets_off");
      lines.add(
          String.format(
              "| cost of exactly once: MongoDB job with offset stores vs offset writes off | %,.0f vs %,.0f rec/s: %.2f | %.1f vs %.1f CPU-s/M: %.2f |",
              on.recordsPerSecond,
              off.recordsPerSecond,
              on.recordsPerSecond / off.recordsPerSecond,
              on.cpuSecondsPerMillion,
              off.cpuSecondsPerMillion,
              on.cpuSecondsPerMillion / off.cpuSecondsPerMillion));
    }
    System.out.println();
    System.out.printf(
        "%,d records, %d partitions, job on local[2]; each side in its own JVM (-Xmx1g); figures between %.0f%% and 100%% of the records%n",
        records, PARTITIONS, FROM * 100);
    System.out.println("| sink | measure | job | baseline | ratio | target |");
    System.out.println("|---|---|---|---|---|---|");
    lines.forEach(System.out::println);
  }

  private static List<String> lines(String sink, Measured job, Measured base, double rateTarget) {
    double rate = job.recordsPerSecond / base.recordsPerSecond;
    double cpu = job.cpuSecondsPerMillion / base.cpuSecondsPerMillion;
    return List.of(
        String.format(
            "| %s | records/s | %,.0f | %,.0f | **%.2f** | >= %.2f: %s |",
            sink,
            job.recordsPerSecond,
            base.recordsPerSecond,
            rate,
            rateTarget,
            rate >= rateTarget ? "met" : "NOT met"),
        String.format(
            "| %s | CPU-seconds per million records | %.1f | %.1f | **%.2f** | <= 1.30: %s |",
            sink,
            job.cpuSecondsPerMillion,
            base.cpuSecondsPerMillion,
            cpu,
            cpu <= 1.3 ? "met" : "NOT met"),
        String.format(
            "| %s | of which the JIT compilers' threads | %.1f | %.1f | | |",
            sink, job.jitSecondsPerMillion, base.jitSecondsPerMillion),
        String.format(
            "| %s | CPU-seconds, whole run with start-up | %.1f | %.1f | %.2f | |",
            sink, job.cpuTotal, base.cpuTotal, job.cpuTotal / base.cpuTotal));
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
    ObjectNode stream = c.putObject("stream");
    if (!BATCH_INTERVAL.isBlank()) {
      stream.put("batchInterval", BATCH_INTERVAL);
    }
    if (!MAX_RATE_PER_PARTITION.isBlank()) {
      stream.put("maxRatePerPartition", Long.parseLong(MAX_RATE_PER_PARTITION));
    }
    if (!BACKPRESSURE.isBlank()) {
      stream.put("backpressure", Boolean.parseBoolean(BACKPRESSURE));
    }
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

  /**
   * Starts one side in its own JVM, measures it and stops it. The job's progress is its log's
   * finished batches ({@link BatchLog}); the baseline commits each poll to a consumer group of its
   * own.
   */
  private static Measured side(
      EmbeddedKafka kafka,
      long records,
      String side,
      Class<?> main,
      ObjectNode config,
      String baselineSink,
      Map<String, String> env)
      throws Exception {
    Path file = WORK.resolve(side + ".json");
    Files.writeString(file, JSON.writeValueAsString(config));
    JobConfig parsed = JobConfig.read(file);
    String group = baselineSink == null ? parsed.kafka().consumerGroup() : "bench-" + side;
    List<String> args =
        baselineSink == null
            ? List.of(file.toString())
            : List.of(baselineSink, file.toString(), group);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        ChildJvm jvm = ChildJvm.start(side, main.getName(), args, env);
        BatchLog batches = baselineSink == null ? new BatchLog(jvm.log()) : null) {
      long from = (long) (records * FROM);
      long t1 = 0;
      long atT1 = 0;
      Duration cpuAtT1 = Duration.ZERO;
      Map<String, Duration> threadsAtT1 = Map.of();
      long lastReport = 0;
      long lastDone = -1;
      long lastProgress = System.nanoTime();
      while (true) {
        jvm.checkRunning();
        long done = batches != null ? batches.records() : committed(admin, group);
        long now = System.nanoTime();
        if (done != lastDone) {
          lastDone = done;
          lastProgress = now;
        } else if (now - lastProgress > STALLED_AFTER.toNanos()) {
          throw new IllegalStateException(
              String.format(
                  "%s made no progress for %s at %,d of %,d records (%s); log: %s",
                  side,
                  STALLED_AFTER,
                  done,
                  records,
                  batches != null
                      ? "finished batches from its log's batch lines"
                      : "committed offsets of consumer group " + group,
                  jvm.log().toAbsolutePath()));
        }
        if (t1 == 0 && done >= from) {
          cpuAtT1 = jvm.cpu();
          threadsAtT1 = jvm.cpuByThread();
          t1 = now;
          atT1 = done;
        }
        if (done >= records) {
          Duration cpu = jvm.cpu();
          double seconds = (now - t1) / 1e9;
          Map<String, Duration> threads = new java.util.HashMap<>(jvm.cpuByThread());
          threadsAtT1.forEach((t, d) -> threads.computeIfPresent(t, (k, atEnd) -> atEnd.minus(d)));
          double millions = (done - atT1) / 1e6;
          double jit =
              threads.entrySet().stream()
                      .filter(t -> t.getKey().contains("CompilerThre"))
                      .mapToLong(t -> t.getValue().toMillis())
                      .sum()
                  / 1000.0;
          Measured m =
              new Measured(
                  side,
                  (done - atT1) / seconds,
                  (cpu.minus(cpuAtT1).toNanos() / 1e9) / millions,
                  cpu.toNanos() / 1e9,
                  jit / millions);
          System.out.printf(
              "%s: %,.0f records/s, %.1f CPU-s per million records, %.1f of them JIT compilers'"
                  + " (whole run %.1f CPU-s)%n",
              side, m.recordsPerSecond, m.cpuSecondsPerMillion, m.jitSecondsPerMillion, m.cpuTotal);
          System.out.println("  CPU by thread in the measured window:");
          threads.entrySet().stream()
              .sorted(Map.Entry.<String, Duration>comparingByValue().reversed())
              .filter(t -> t.getValue().toMillis() >= 100)
              .forEach(
                  t ->
                      System.out.printf(
                          "  %-16s %5.1f CPU-s%n", t.getKey(), t.getValue().toMillis() / 1000.0));
          int code = jvm.stop();
          if (code != 0 && code != 143) {
            throw new IllegalStateException(side + " stopped with exit code " + code);
          }
          return m;
        }
        if (now - lastReport > 5_000_000_000L) {
          System.out.printf("%s: %,d of %,d%n", side, done, records);
          lastReport = now;
        }
        Thread.sleep(50);
      }
    }
  }

  private static long committed(Admin admin, String group) {
    try {
      Map<?, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
    } catch (Exception e) {
      return 0; // the group does not exist before the side's first commit
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
}
