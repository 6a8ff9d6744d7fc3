package dev.insight.streaming.local.bench;

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
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.ParentWatchdog;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.demo.DemoManifest;
import dev.insight.streaming.local.demo.ServerAddresses;
import dev.insight.streaming.local.pods.JobRuntime;
import dev.insight.streaming.local.pods.PodRunner;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.changes.SpecChangeRules;
import dev.insight.streaming.operator.driver.DriverContract;
import dev.insight.streaming.operator.driver.DriverNames;
import dev.insight.streaming.operator.driver.DriverObjects;
import dev.insight.streaming.operator.driver.DriverPodFactory;
import dev.insight.streaming.operator.driver.DriverRun;
import dev.insight.streaming.operator.driver.JobConfigRenderer;
import dev.insight.streaming.operator.driver.SecretEnv;
import dev.insight.streaming.operator.driver.SparkJavaOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;

/**
 * The job distributed: the same records, in one run, written to MongoDB by a plain KafkaConsumer
 * with bulk upserts (the baseline), by the job in one JVM on Spark's {@code local[2]} master, and
 * by the job on the local cluster with two executor pods (each its own JVM, as the node agent runs
 * them), once with the authentication and RPC encryption the operator renders and once with both
 * off. The driver pods are built by the operator's own factories, so the cluster runs are what the
 * operator would start. Throughput is records/s between 20% and 100% of the records in the sink;
 * over the same window, the CPU time (user plus system, from the kernel) of the job's JVMs per
 * million records: the driver's and the executor pods' (the node agent's JVMs), or the one JVM on
 * local[2]; for the baseline, its consumer thread's alone.
 */
public final class ExecutorBenchmark {

  private static final int PARTITIONS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMESPACE = "default";

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
    long records = args.length > 0 ? Long.parseLong(args[0]) : 500_000;
    EmbeddedKafka kafka = SharedServers.kafka();
    EmbeddedMongo mongo = SharedServers.mongo();
    ServerAddresses servers =
        new ServerAddresses(
            kafka.bootstrapServers(), "127.0.0.1:9042", "datacenter1", mongo.connectionString());
    String topic = "bench.events";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    }
    produce(kafka.bootstrapServers(), topic, records);
    Path work = Files.createTempDirectory("executor-benchmark");

    try (LocalCluster cluster =
            LocalCluster.start(LocalCluster.Options.defaults(work).withoutOperator());
        MongoClient client = MongoClients.create(mongo.connectionString())) {
      Run baseline = baseline(kafka.bootstrapServers(), topic, records, client);
      drop(client, "baseline");
      Run local = localMaster(cluster, servers, client, topic, records, work);
      drop(client, "local");
      Run secured = executors(cluster, servers, client, topic, records, "secured", true);
      drop(client, "secured");
      Run open = executors(cluster, servers, client, topic, records, "open", false);
      drop(client, "open");
      System.out.println();
      System.out.printf(
          "%,d records, %d partitions, MongoDB sink, batch 1 s, maxRatePerPartition 25,000;"
              + " records/s between 20%% and 100%% progress%n",
          records, PARTITIONS);
      System.out.println(
          line("job, 2 executor pods vs consumer + bulkWrite", secured.rate(), baseline.rate()));
      System.out.println(
          line("job, local[2] vs consumer + bulkWrite", local.rate(), baseline.rate()));
      System.out.println(
          line("job, 2 executor pods vs job, local[2]", secured.rate(), local.rate()));
      System.out.println(
          line(
              "2 executor pods: spark.authenticate + RPC encryption on vs off",
              secured.rate(),
              open.rate()));
      System.out.println();
      System.out.println(
          "CPU s per million records over the same window (user + system, as the kernel accounts"
              + " each JVM):");
      System.out.printf("%-56s %9s %9s %9s %9s%n", "", "records/s", "driver", "executors", "total");
      System.out.println(cpuLine("job, 2 executor pods", secured, ""));
      System.out.println(
          cpuLine("job, 2 executor pods, authentication + encryption off", open, ""));
      System.out.println(cpuLine("job, local[2]", local, "   the tasks run in the driver JVM"));
      System.out.println(
          cpuLine(
              "consumer + bulkWrite",
              baseline,
              "   the consumer thread alone: no GC, JIT or other threads of its JVM"));
    }
  }

  /** A run's records/s and the CPU its JVMs (or, for the baseline, its thread) used meanwhile. */
  private record Run(double rate, WindowCpu.Figures cpu) {}

  private static String cpuLine(String what, Run run, String note) {
    return String.format(
        "%-56s %,9.0f %9s %9s %9.1f%s",
        what,
        run.rate(),
        seconds(run.cpu().of(WindowCpu.DRIVER)),
        seconds(run.cpu().of(WindowCpu.EXECUTORS)),
        run.cpu().total(),
        note);
  }

  private static String seconds(double perMillion) {
    return Double.isNaN(perMillion) ? "-" : String.format("%.1f", perMillion);
  }

  private static String line(String what, double measured, double baseline) {
    return String.format(
        "%-66s %,9.0f vs %,9.0f rec/s   ratio %.2f", what, measured, baseline, measured / baseline);
  }

  private static void produce(String bootstrap, String topic, long records) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (long i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, Long.toString(i), record(i)));
      }
      producer.flush();
    }
    System.out.printf("produced %,d records to %s%n", records, topic);
  }

  /** About 100 bytes, the fields the demo pipeline's transform reads. */
  static String record(long i) {
    return String.format(
        "{\"id\":\"e-%09d\",\"kind\":\"%s\",\"amount\":%d.%02d,\"at\":\"%s\"}",
        i,
        i % 3 == 0 ? "purchase" : "view",
        i % 997,
        i % 100,
        Instant.ofEpochSecond(1_700_000_000L + i));
  }

  /** The hand-written consumer: the same fields, bulkWrite of 1,000 upserts by id. */
  private static Run baseline(String bootstrap, String topic, long records, MongoClient client)
      throws Exception {
    MongoCollection<Document> target = client.getDatabase("bench").getCollection("baseline");
    Thread worker =
        new Thread(
            () -> {
              Map<String, Object> props =
                  Map.of(
                      "bootstrap.servers", bootstrap,
                      "group.id", "bench-baseline",
                      "auto.offset.reset", "earliest",
                      "enable.auto.commit", "false",
                      "max.poll.records", "5000");
              try (KafkaConsumer<byte[], byte[]> consumer =
                  new KafkaConsumer<>(
                      props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (int i = 0; i < PARTITIONS; i++) {
                  partitions.add(new TopicPartition(topic, i));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long seen = 0;
                ReplaceOptions upsert = new ReplaceOptions().upsert(true);
                List<WriteModel<Document>> bulk = new ArrayList<>(1000);
                while (seen < records) {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode n = JSON.readTree(r.value());
                    String id = n.get("id").asText();
                    Document doc =
                        new Document("_id", id)
                            .append("kind", n.get("kind").asText())
                            .append("amount", n.get("amount").asDouble())
                            .append("at", java.util.Date.from(Instant.parse(n.get("at").asText())));
                    bulk.add(new ReplaceOneModel<>(Filters.eq("_id", id), doc, upsert));
                    if (bulk.size() == 1000) {
                      target.bulkWrite(bulk, new BulkWriteOptions().ordered(false));
                      bulk = new ArrayList<>(1000);
                    }
                    seen++;
                  }
                  if (!bulk.isEmpty()) {
                    target.bulkWrite(bulk, new BulkWriteOptions().ordered(false));
                    bulk = new ArrayList<>(1000);
                  }
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "baseline");
    worker.start();
    Run run =
        measure(
            "consumer + bulkWrite",
            records,
            target::estimatedDocumentCount,
            WindowCpu.ofThread("consumer thread", worker));
    worker.join();
    return run;
  }

  /** The job in one JVM on local[2], started as the driver pod would start it, minus Kubernetes. */
  private static Run localMaster(
      LocalCluster cluster,
      ServerAddresses servers,
      MongoClient client,
      String topic,
      long records,
      Path work)
      throws Exception {
    StreamingPipeline pipeline = pipeline(cluster.client(), servers, topic, "local", 2);
    SecretEnv secrets = SecretEnv.of(pipeline.getSpec(), List.of());
    Path config = work.resolve("local-jobconfig.json");
    Files.writeString(config, JobConfigRenderer.render(pipeline, secrets));
    JobRuntime runtime = JobRuntime.recorded();
    List<String> cmd = new ArrayList<>();
    cmd.add(runtime.java().toString());
    cmd.addAll(List.of(SparkJavaOptions.flags().split("\\s+")));
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "-Dspark.master=local[2]",
            "-Dspark.ui.enabled=false",
            "-D" + ParentWatchdog.PARENT_PID + "=" + ProcessHandle.current().pid(),
            "-cp",
            runtime.classpath().stream()
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator)),
            "dev.insight.streaming.job.PipelineJob",
            config.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("local-job.log").toFile());
    builder.environment().put("MONGODB_URI", servers.mongoUri());
    Process job = builder.start();
    try {
      MongoCollection<Document> target = client.getDatabase("bench").getCollection("local");
      return measure(
          "job, local[2]",
          records,
          target::estimatedDocumentCount,
          WindowCpu.ofJvm(job.toHandle()));
    } finally {
      job.toHandle().destroy();
      if (!job.waitFor(60, TimeUnit.SECONDS)) {
        job.destroyForcibly();
      }
    }
  }

  /**
   * The job as the operator starts it on the local cluster, with two executor pods; {@code secured}
   * false turns spark.authenticate and RPC encryption off in the rendered properties.
   */
  private static Run executors(
      LocalCluster cluster,
      ServerAddresses servers,
      MongoClient client,
      String topic,
      long records,
      String name,
      boolean secured)
      throws Exception {
    if (!podsGone(cluster)) {
      // the node agent's JVMs other than the driver are counted as this run's executors
      throw new IllegalStateException("pods of the previous run still run after 120 s");
    }
    KubernetesClient k8s = cluster.client();
    StreamingPipeline pipeline = pipeline(k8s, servers, topic, name, 2);
    DriverNames names = DriverNames.of(pipeline);
    SecretEnv secrets = SecretEnv.of(pipeline.getSpec(), List.of());
    ConfigMap configMap =
        DriverObjects.configMap(pipeline, names, secrets, SparkJavaOptions.flags());
    if (!secured) {
      String properties = configMap.getData().get(DriverContract.SPARK_PROPERTIES_KEY);
      configMap
          .getData()
          .put(
              DriverContract.SPARK_PROPERTIES_KEY,
              properties
                  .replace("spark.authenticate=true", "spark.authenticate=false")
                  .replace(
                      "spark.network.crypto.enabled=true", "spark.network.crypto.enabled=false"));
    }
    k8s.resource(configMap).create();
    k8s.resource(DriverObjects.serviceAccount(pipeline, names)).create();
    k8s.resource(DriverObjects.roleBinding(pipeline, names, cluster.driverClusterRole())).create();
    k8s.resource(DriverObjects.sparkAuthSecret(pipeline, names)).create();
    Pod pod =
        DriverPodFactory.pod(
            pipeline,
            names,
            secrets,
            SpecChangeRules.driverHash(pipeline.getSpec()),
            "",
            DriverRun.next());
    k8s.resource(pod).create();
    try {
      MongoCollection<Document> target = client.getDatabase("bench").getCollection(name);
      // the node agent knows each pod's JVM: the driver pod's, and the executor pods' (every
      // other one, as this cluster runs no other pods)
      PodRunner agent = cluster.podRunner();
      Supplier<List<ProcessHandle>> driver =
          () -> agent.process(NAMESPACE, names.pod()).stream().toList();
      return measure(
          "job, 2 executor pods" + (secured ? "" : ", authentication and encryption off"),
          records,
          target::estimatedDocumentCount,
          WindowCpu.ofJvms(
              driver,
              () -> {
                List<ProcessHandle> drivers = driver.get();
                return agent.processes().stream().filter(p -> !drivers.contains(p)).toList();
              }));
    } finally {
      k8s.pods().inNamespace(NAMESPACE).withName(names.pod()).delete();
      podsGone(cluster);
    }
  }

  /** Waits up to 120 s for the node agent's JVMs to end; whether they did. */
  private static boolean podsGone(LocalCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!cluster.podRunner().processes().isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(500);
    }
    return true;
  }

  /** The demo pipeline, MongoDB only, on the benchmark's topic, in its own collection. */
  private static StreamingPipeline pipeline(
      KubernetesClient client, ServerAddresses servers, String topic, String name, int executors) {
    DemoManifest demo = DemoManifest.demo(client, servers);
    StreamingPipeline spec = demo.pipeline();
    spec.getMetadata().setName("bench-" + name);
    spec.getSpec().getKafka().getTopics().get(0).setName(topic);
    spec.getSpec().getKafka().getTopics().get(0).setPartitions(PARTITIONS);
    spec.getSpec().getSinks().setCassandra(null);
    spec.getSpec().getSinks().getMongodb().setDatabase("bench");
    spec.getSpec().getSinks().getMongodb().setCollection(name);
    spec.getSpec().getJob().getExecutor().setInstances(executors);
    spec.getSpec().getJob().setMaxRatePerPartition(25_000L);
    return new DemoManifest(spec, demo.secrets()).apply(client);
  }

  private static void drop(MongoClient client, String collection) {
    client.getDatabase("bench").getCollection(collection).drop();
  }

  /**
   * Records/s between 20% and 100% of the records in the sink, and the CPU {@code cpu} reads over
   * the same window, its start and end read at the same polls as the progress.
   */
  private static Run measure(String what, long records, LongSupplier progress, WindowCpu cpu)
      throws InterruptedException {
    long from = records / 5;
    long t1 = 0;
    long atT1 = 0;
    long started = System.nanoTime();
    while (true) {
      long now = System.nanoTime();
      long done = progress.getAsLong();
      if (t1 == 0 && done >= from) {
        t1 = now;
        atT1 = done;
        cpu.open();
      } else if (done < records) {
        cpu.sample();
      }
      if (done >= records) {
        double rate = (done - atT1) / ((now - t1) / 1e9);
        WindowCpu.Figures figures = cpu.close(done - atT1);
        System.out.printf(
            "%s: %,.0f records/s, %s (%.0f s from start)%n",
            what, rate, figures, (now - started) / 1e9);
        return new Run(rate, figures);
      }
      if (now - started > TimeUnit.MINUTES.toNanos(15)) {
        throw new IllegalStateException(what + ": " + done + " of " + records + " after 15 min");
      }
      Thread.sleep(50);
    }
  }
}
