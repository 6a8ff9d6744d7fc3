package dev.insight.streaming.job;

import dev.insight.streaming.job.stream.AssignedPartitions;
import dev.insight.streaming.job.stream.KafkaProbe;
import dev.insight.streaming.job.stream.StartingPositions;
import dev.insight.streaming.job.write.EnvironmentAuth;
import dev.insight.streaming.job.write.PartitionFunction;
import dev.insight.streaming.job.write.PartitionWriter;
import dev.insight.streaming.job.write.SinkSet;
import dev.insight.streaming.jobconfig.CassandraSinkConfig;
import dev.insight.streaming.jobconfig.JobConfig;
import dev.insight.streaming.jobconfig.JobContract;
import dev.insight.streaming.jobconfig.StreamConfig;
import dev.insight.streaming.sinkstores.FencedException;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.PipelineKey;
import dev.insight.streaming.sinkstores.RetentionGap;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaInputDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.CanCommitOffsets;
import org.apache.spark.streaming.kafka010.HasOffsetRanges;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.apache.spark.streaming.kafka010.OffsetRange;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The pipeline's Spark Streaming job: Kafka direct stream -> transform -> idempotent upserts into
 * every sink -> the batch's end offsets into each sink's offset store -> commitAsync to the
 * consumer group (monitoring only).
 */
public final class PipelineJob {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineJob.class);

  private final JobConfig config;
  private final SparkConf conf;
  private final Environment environment;
  private final PipelineKey pipeline;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  // per sink: this driver's claim on the sink's offset store, taken before the stored offsets are
  // read
  private final Map<String, Long> epochs = new HashMap<>();
  private boolean offsetWrites = true;

  /**
   * @param environment where this JVM's credentials come from: its own environment in production
   *     ({@link Environment#system()}); executors resolve theirs from their own environment too
   */
  public PipelineJob(JobConfig config, SparkConf conf, Environment environment) {
    this.config = config;
    this.conf = conf;
    this.environment = environment;
    this.pipeline = config.pipeline().key();
  }

  /**
   * Runs the job until SIGTERM (exit 0 once the generated batches stored their offsets) or a
   * failure (exit 1).
   */
  public static void main(String[] args) {
    String path = args.length > 0 ? args[0] : System.getenv(JobContract.CONFIG_ENV);
    if (path == null) {
      System.err.println(
          "usage: PipelineJob <jobconfig.json> (or set " + JobContract.CONFIG_ENV + ")");
      System.exit(2);
    }
    PipelineJob job =
        new PipelineJob(JobConfig.read(Path.of(path)), new SparkConf(), Environment.system());
    // replaces the JVM's default TERM action (exit 143 via shutdown hooks) with a graceful stop and
    // exit 0
    Signal.handle(new Signal("TERM"), signal -> job.requestStop());
    int code;
    try {
      code = job.run();
    } catch (RuntimeException e) {
      if (fencedCause(e) != null) {
        LOG.error("pipeline {}: FENCED while starting: {}", job.pipeline, e.getMessage());
        code = JobContract.EXIT_FENCED;
      } else {
        LOG.error("pipeline {} failed to start: {}", job.pipeline, e.toString(), e);
        code = 1;
      }
    }
    System.exit(code);
  }

  /**
   * Leaves the offset stores unwritten. This gives up exactly-once; it exists only so the benchmark
   * can measure what the offset writes cost.
   */
  public PipelineJob withoutOffsetWrites() {
    offsetWrites = false;
    return this;
  }

  /** Asks the running job to finish its batch, store its offsets and return. */
  public void requestStop() {
    stopRequested.countDown();
  }

  /** Runs until {@link #requestStop()} (returns 0) or a batch fails (returns 1). */
  public int run() {
    configureSpark();
    Map<String, Object> clientProperties = config.kafka().clientProperties(environment);
    JavaStreamingContext ssc =
        new JavaStreamingContext(
            conf, Durations.milliseconds(config.stream().batchIntervalDuration().toMillis()));
    try (SinkSet sinks = SinkSet.open(config, conf, environment);
        KafkaProbe probe = new KafkaProbe(config.kafka().bootstrapServers(), clientProperties)) {
      probe.createTopicIfMissing(config.deadLetter().topic());
      Map<TopicPartition, Long> start = startingOffsets(sinks, probe);

      JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream =
          KafkaUtils.createDirectStream(
              ssc,
              LocationStrategies.PreferConsistent(),
              new AssignedPartitions(
                  kafkaParams(clientProperties),
                  start,
                  config.kafka().topics(),
                  probe,
                  config.stream().partitionDiscoveryDuration()));
      LongAccumulator written = ssc.sparkContext().sc().longAccumulator("rows written");
      LongAccumulator rejected = ssc.sparkContext().sc().longAccumulator("records rejected");
      PartitionWriter writer = sinks.partitionWriter(conf, clientProperties, written, rejected);
      BatchCounters counters = new BatchCounters(written, rejected);
      stream.foreachRDD((rdd, time) -> processBatch(rdd, time, writer, sinks, stream, counters));

      ssc.start();
      LOG.info(
          "pipeline {} started: topics {}, {} partitions, sinks {}, batch interval {}",
          pipeline,
          config.kafka().topics(),
          start.size(),
          sinks.offsetStores().keySet(),
          config.stream().batchInterval());
      return awaitStopOrFailure(ssc);
    } finally {
      ssc.stop(true, false); // no-op when already stopped
    }
  }

  private int awaitStopOrFailure(JavaStreamingContext ssc) {
    try {
      while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
        if (ssc.awaitTerminationOrTimeout(1)) {
          LOG.error("pipeline {}: the streaming context stopped on its own", pipeline);
          return 1;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      FencedException fenced = fencedCause(e);
      if (fenced != null) {
        LOG.error(
            "pipeline {}: FENCED: {}. Another driver of this pipeline started after this one and"
                + " owns the offsets now; this driver stops without storing anything more (exit code"
                + " {}).",
            pipeline,
            fenced.getMessage(),
            JobContract.EXIT_FENCED);
        return JobContract.EXIT_FENCED;
      }
      // a failed batch: its offsets were not stored, so a restart replays it
      LOG.error(
          "pipeline {}: a batch failed, stopping (a restart resumes from the stored offsets): {}",
          pipeline,
          e.toString(),
          e);
      return 1;
    }
    LOG.info("pipeline {}: stop requested, finishing the batches already generated", pipeline);
    ssc.stop(true, true);
    LOG.info("pipeline {}: stopped gracefully", pipeline);
    return 0;
  }

  private static FencedException fencedCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FencedException fenced) {
        return fenced;
      }
    }
    return null;
  }

  private void processBatch(
      JavaRDD<ConsumerRecord<byte[], byte[]>> rdd,
      Time time,
      PartitionWriter writer,
      SinkSet sinks,
      JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream,
      BatchCounters counters) {
    long started = System.nanoTime();
    OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
    long records = 0;
    List<PartitionOffset> ends = new ArrayList<>();
    for (OffsetRange r : ranges) {
      records += r.count();
      if (r.count() > 0) {
        ends.add(new PartitionOffset(r.topic(), r.partition(), r.untilOffset()));
      }
    }
    long rowsBefore = counters.written.value();
    long rejectedBefore = counters.rejected.value();
    if (records > 0) {
      new PartitionFunction(writer).runOn(rdd.rdd());
      if (offsetWrites) {
        // only after every sink acknowledged the rows: a crash before this line replays the batch
        storeOffsets(sinks, ends);
      }
      ((CanCommitOffsets) stream.inputDStream()).commitAsync(ranges);
    }
    long rows = counters.written.value() - rowsBefore;
    long rejected = counters.rejected.value() - rejectedBefore;
    LOG.info(
        "batch {} records={} rows={} rejected={} (total rejected {}) partitions={} durationMs={}",
        Instant.ofEpochMilli(time.milliseconds()),
        records,
        rows,
        rejected,
        counters.rejected.value(),
        ranges.length,
        (System.nanoTime() - started) / 1_000_000);
  }

  private void storeOffsets(SinkSet sinks, List<PartitionOffset> offsets) {
    sinks.offsetStores().forEach((sink, store) -> store.write(pipeline, epochs.get(sink), offsets));
  }

  private Map<TopicPartition, Long> startingOffsets(SinkSet sinks, KafkaProbe probe) {
    Set<TopicPartition> partitions = probe.partitions(config.kafka().topics());
    List<List<PartitionOffset>> stored = new ArrayList<>();
    for (Map.Entry<String, OffsetStore> store : sinks.offsetStores().entrySet()) {
      // claimed first: from here on an older driver still running cannot move these offsets
      long epoch = store.getValue().claim(pipeline);
      epochs.put(store.getKey(), epoch);
      LOG.info(
          "pipeline {}: claimed the {} offset store, epoch {}", pipeline, store.getKey(), epoch);
      List<PartitionOffset> offsets = store.getValue().read(pipeline);
      LOG.info(
          "pipeline {}: {} stored offsets in {}: {}",
          pipeline,
          offsets.size(),
          store.getKey(),
          offsets);
      stored.add(offsets);
    }
    StartingPositions positions =
        StartingPositions.resolve(
            partitions,
            stored,
            config.kafka().startingOffsets(),
            probe.earliest(partitions),
            probe.latest(partitions),
            Instant.now());
    for (RetentionGap gap : positions.gaps()) {
      LOG.warn(
          "!!! DATA LOSS: pipeline {} never read {} records of {}-{} (offsets {} to {}): Kafka retention deleted"
              + " them first. Recorded in the offset stores; continuing from offset {}.",
          pipeline,
          gap.lost(),
          gap.topic(),
          gap.partition(),
          gap.fromOffset(),
          gap.toOffset() - 1,
          gap.toOffset());
      sinks.offsetStores().values().forEach(store -> store.recordGap(pipeline, gap));
    }
    if (!positions.gaps().isEmpty()) {
      // the lost records are not pending work: store the new start so lag readers do not count them
      List<PartitionOffset> moved =
          positions.gaps().stream()
              .map(g -> new PartitionOffset(g.topic(), g.partition(), g.toOffset()))
              .toList();
      storeOffsets(sinks, moved);
    }
    LOG.info(
        "pipeline {}: starting at {}",
        pipeline,
        new java.util.TreeMap<>(
            positions.offsets().entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        e -> e.getKey().toString(), Map.Entry::getValue))));
    return positions.offsets();
  }

  /** The Kafka parameters of the direct stream: the driver's consumer and, copied, each task's. */
  Map<String, Object> kafkaParams(Map<String, Object> clientProperties) {
    Map<String, Object> params = new HashMap<>(clientProperties);
    params.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    params.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().consumerGroup());
    params.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    params.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    params.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // a task reads its whole offset range: fewer, larger polls of what was fetched already
    params.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    // a topic deleted under a running job (the pipeline's deletion) must stay deleted, even on a
    // broker that creates topics on demand
    params.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    // the driver seeks every partition explicitly; this only covers a partition Kafka could not
    // position
    params.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return params;
  }

  /** Sets what the job derives from its JobConfig in the SparkConf, which every executor gets. */
  void configureSpark() {
    conf.setIfMissing(
        "spark.app.name",
        "pipeline-" + config.pipeline().namespace() + "-" + config.pipeline().name());
    conf.set("spark.streaming.backpressure.enabled", config.stream().backpressure().toString());
    if (config.stream().backpressure()) {
      // Spark sizes the batches generated before the first one finishes by maxRatePerPartition
      // alone (unlimited by default): on a backlog the first batch would be all of it, and while a
      // cold JVM works through it every batch generated meanwhile is as large. The rate estimator
      // then sees minutes of scheduling delay, throttles to its minimum (100 records/s) and climbs
      // back slowly. Starting at a moderate rate lets it find the real one within a few batches.
      conf.setIfMissing(
          "spark.streaming.backpressure.initialRate", StreamConfig.BACKPRESSURE_INITIAL_RATE);
    }
    if (config.stream().maxRatePerPartition() != null) {
      conf.set(
          "spark.streaming.kafka.maxRatePerPartition",
          config.stream().maxRatePerPartition().toString());
    }
    // the job stops gracefully itself on SIGTERM; Spark's own hook would stop it a second time
    conf.set("spark.streaming.stopGracefullyOnShutdown", "false");
    conf.setIfMissing("spark.ui.enabled", "false");
    // Spark keeps every job, stage and task of the last thousand batches in its status store, UI or
    // not: for a job that runs for weeks that is old-generation data the collector keeps marking; a
    // few minutes' worth is what a user reads
    conf.setIfMissing("spark.ui.retainedJobs", "100");
    conf.setIfMissing("spark.ui.retainedStages", "100");
    conf.setIfMissing("spark.ui.retainedTasks", "2000");
    conf.setIfMissing("spark.streaming.ui.retainedBatches", "100");
    // every batch broadcasts its task binary (a few KB) in blocks of this size, and the first block
    // is allocated whole: Spark's 4 MiB is a humongous object to G1 on a heap under 2 GiB (over
    // half
    // a 1 MiB region), allocated straight into the old generation, where it can start a concurrent
    // marking cycle, once per batch
    conf.setIfMissing("spark.broadcast.blockSize", "256k");
    CassandraSinkConfig c = config.sinks().cassandra();
    if (c != null) {
      conf.set("spark.cassandra.connection.host", String.join(",", c.hosts()));
      conf.set("spark.cassandra.connection.port", Integer.toString(c.port()));
      conf.set("spark.cassandra.connection.localDC", c.localDatacenter());
      // writes in flight per task: the connector's default of 5 left Cassandra idle (7.3k rows/s
      // against 10.2k with 128, see runtime-facts); two tasks at 128 keep as many in flight as the
      // sink benchmark's hand-written baseline (256), and 256 per task was slower there
      conf.setIfMissing("spark.cassandra.output.concurrent.writes", "128");
      if (c.usernameEnv() != null) {
        // checked here, read by each JVM that connects: the SparkConf names the variables only
        required(c.usernameEnv(), "sinks.cassandra.usernameEnv");
        required(c.passwordEnv(), "sinks.cassandra.passwordEnv");
        EnvironmentAuth.configure(conf, c.usernameEnv(), c.passwordEnv());
      }
    }
  }

  private String required(String variable, String field) {
    String value = environment.apply(variable);
    if (value == null) {
      throw new IllegalStateException(
          "environment variable " + variable + " (" + field + ") is not set");
    }
    return value;
  }

  /** The job-wide accumulators a batch reads its deltas from. */
  private record BatchCounters(LongAccumulator written, LongAccumulator rejected) {}
}
