package dev.insight.streaming.operator.lag.bench;

import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineStatus;
import dev.insight.streaming.operator.api.spec.LagSpec;
import dev.insight.streaming.operator.api.spec.SecretKeyRef;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.kafka.KafkaCluster;
import dev.insight.streaming.operator.kafka.KafkaClusters;
import dev.insight.streaming.operator.lag.LagMonitor;
import dev.insight.streaming.operator.lag.LagMonitor.CycleReport;
import dev.insight.streaming.operator.lag.LagRequests;
import dev.insight.streaming.operator.lag.LagRequests.Kind;
import dev.insight.streaming.operator.secrets.SecretResolver;
import dev.insight.streaming.operator.sinksetup.MongoCluster;
import dev.insight.streaming.operator.sinksetup.SinkConnections;
import dev.insight.streaming.operator.status.EventRecorder;
import dev.insight.streaming.operator.status.PhaseRule;
import dev.insight.streaming.operator.status.StatusWriter;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.PipelineKey;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The lag monitor at scale: 1,000 pipelines of 8 partitions each on one real broker, the
 * MongoDB-wire server as offset store, the real API server (etcd, kube-apiserver,
 * kube-controller-manager from control-plane); run in a JVM capped at 256 MB heap (see the README,
 * "Benchmarks"): {@code ./mvnw -o -B -pl operator -Dbuild.dirname=target-lag -Pbench-lag
 * test-compile exec:exec}.
 */
public final class LagBenchmark {

  private static final String NS = "bench";
  private static final int PARTITIONS = 8;
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration WINDOW = Duration.ofSeconds(2);

  public static void main(String[] args) throws Exception {
    int pipelines = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf(
        "lag benchmark: %d pipelines x %d partitions, max heap %d MB, %d cores%n",
        pipelines,
        PARTITIONS,
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    EmbeddedKafka kafka = SharedServers.kafka();
    EmbeddedMongo mongo = SharedServers.mongo();
    Clock clock = Clock.systemUTC();
    try (TestKubernetes k8s = TestKubernetes.start(NS);
        KafkaClusters kafkaClusters = new KafkaClusters(new SecretResolver(k8s.client()), clock);
        SinkConnections sinks = new SinkConnections(new SecretResolver(k8s.client()), clock);
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.LINGER_MS_CONFIG,
                    5),
                new StringSerializer(),
                new StringSerializer())) {
      Admin admin = kafkaClusters.admin(KafkaCluster.of(kafka.bootstrapServers()));
      OffsetStore store = sinks.offsetStore(new MongoCluster(mongo.connectionString()));
      store.createIfMissing();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < pipelines; i++) {
        names.add(String.format("p%04d", i));
      }
      long t0 = System.nanoTime();
      createTopics(admin, names);
      System.out.printf(
          "setup: %d topics (%d partitions) in %d ms%n",
          pipelines, pipelines * PARTITIONS, millis(t0));
      t0 = System.nanoTime();
      k8s.secret(NS, "bench-mongo", Map.of("uri", mongo.connectionString()));
      for (String name : names) {
        create(k8s, kafka.bootstrapServers(), name);
      }
      System.out.printf("setup: %d pipelines in the API server in %d ms%n", pipelines, millis(t0));
      produce(producer, names, 1);
      catchUp(admin, store, names);

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      StatusWriter writer =
          new StatusWriter(
              k8s.client(),
              new EventRecorder(k8s.client(), clock),
              new PhaseRule(
                  List.of(
                      Conditions.TOPICS_READY, Conditions.SINKS_READY, Conditions.DRIVER_RUNNING)),
              clock);
      // as the operator's primary cache would, an informer holds the pipelines the monitor reads
      try (SharedIndexInformer<StreamingPipeline> informer =
              k8s.client().resources(StreamingPipeline.class).inNamespace(NS).inform();
          LagMonitor monitor =
              new LagMonitor(
                  k8s.client().getKubernetesSerialization(),
                  () -> informer.getStore().list(),
                  kafkaClusters,
                  sinks,
                  writer,
                  registry,
                  TICK,
                  clock)) {
        while (monitor.runCycle().pipelines() < pipelines) {
          Thread.sleep(200);
        }
        settle(monitor, k8s);

        List<String> lines = new ArrayList<>();
        // a cycle in which nothing changed
        Map<String, String> versions = versions(k8s);
        Cycle quiet = cycle(monitor);
        boolean untouched = versions.equals(versions(k8s));
        lines.add(quiet.line("no change") + ", statuses untouched: " + untouched);

        // cycles in which 10% of the pipelines got new records
        int tenth = Math.max(1, pipelines / 10);
        List<Long> tenPercent = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
          List<String> some =
              names.subList((r * tenth) % pipelines, (r * tenth) % pipelines + tenth);
          produce(producer, some, 1);
          Cycle c = cycle(monitor);
          tenPercent.add(c.took);
          lines.add(c.line("10% changed"));
          catchUp(admin, store, some);
          settle(monitor, k8s);
        }
        // cycles in which every pipeline got new records
        List<Long> all = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
          produce(producer, names, 1);
          Cycle c = cycle(monitor);
          all.add(c.took);
          lines.add(c.line("all changed"));
          catchUp(admin, store, names);
          settle(monitor, k8s);
        }
        // the same reads, one pipeline at a time: what batching saves
        long batched = cycle(monitor).took;
        long loop = perPipelineReads(admin, store, names);
        // the parts of a batched read, each alone
        List<PipelineKey> keys = names.stream().map(n -> new PipelineKey(NS, n)).toList();
        long s0 = System.nanoTime();
        store.readMany(keys);
        long storeMillis = millis(s0);
        s0 = System.nanoTime();
        admin
            .listOffsets(
                partitions(names).stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
            .all()
            .get(30, TimeUnit.SECONDS);
        long endMillis = millis(s0);
        s0 = System.nanoTime();
        admin
            .listConsumerGroupOffsets(
                names.stream()
                    .collect(
                        Collectors.toMap(
                            n -> NS + "." + n, n -> new ListConsumerGroupOffsetsSpec())))
            .all()
            .get(30, TimeUnit.SECONDS);
        long groupMillis = millis(s0);
        lines.forEach(System.out::println);
        System.out.printf(
            "RESULT no-change cycle %d ms; 10%%-changed cycle median %d ms, max %d ms;"
                + " all-changed cycle median %d ms, max %d ms%n",
            quiet.took,
            median(tenPercent),
            tenPercent.stream().mapToLong(Long::longValue).max().orElse(0),
            median(all),
            all.stream().mapToLong(Long::longValue).max().orElse(0));
        System.out.printf(
            "RESULT parts of the batched read alone: store readMany %d ms, listOffsets %d ms,"
                + " group offsets %d ms%n",
            storeMillis, endMillis, groupMillis);
        System.out.printf(
            "RESULT per-pipeline read loop (listOffsets + group offsets + store read per pipeline,"
                + " no evaluation, no writes) %d ms vs one batched no-change cycle %d ms: %.1fx%n",
            loop, batched, (double) loop / Math.max(1, batched));
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
            "RESULT heap used after GC %d MB of %d MB%n",
            (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
      }
      registry.close();
    }
    // SharedServers stop the broker at exit
    System.exit(0);
  }

  /** One measured cycle and the requests it sent. */
  private record Cycle(long took, CycleReport report, Map<Kind, Long> requests) {
    String line(String what) {
      return String.format(
          "cycle (%s): %d ms (read %d, evaluate %d, write %d), %d pipelines sampled,"
              + " %d statuses written; requests %s",
          what,
          took,
          report.read().toMillis(),
          report.evaluate().toMillis(),
          report.write().toMillis(),
          report.sampled(),
          report.written(),
          requests);
    }
  }

  private static Cycle cycle(LagMonitor monitor) throws InterruptedException {
    Thread.sleep(TICK.toMillis() + 20);
    LagRequests requests = monitor.requests();
    Map<Kind, Long> before = requests.snapshot();
    CycleReport report = monitor.runCycle();
    Map<Kind, Long> delta = new HashMap<>();
    requests.snapshot().forEach((k, v) -> delta.put(k, v - before.get(k)));
    return new Cycle(report.took().toMillis(), report, new java.util.TreeMap<>(delta));
  }

  /** Runs cycles until the window holds no movement and a cycle writes nothing. */
  private static void settle(LagMonitor monitor, TestKubernetes k8s) throws InterruptedException {
    Instant until = Instant.now().plus(WINDOW).plusMillis(300);
    while (Instant.now().isBefore(until)) {
      Thread.sleep(TICK.toMillis());
      monitor.runCycle();
    }
    for (int i = 0; i < 50 && monitor.runCycle().written() > 0; i++) {
      Thread.sleep(TICK.toMillis());
    }
  }

  private static void createTopics(Admin admin, List<String> names) throws Exception {
    for (int from = 0; from < names.size(); from += 100) {
      List<NewTopic> batch =
          names.subList(from, Math.min(names.size(), from + 100)).stream()
              .map(n -> new NewTopic(n + "-in", PARTITIONS, (short) 1))
              .toList();
      admin.createTopics(batch).all().get(2, TimeUnit.MINUTES);
    }
    // wait until every partition has a leader and answers
    for (int attempt = 0; ; attempt++) {
      try {
        admin
            .listOffsets(
                partitions(names).stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
            .all()
            .get(30, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (attempt > 20) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  private static List<TopicPartition> partitions(List<String> names) {
    List<TopicPartition> list = new ArrayList<>();
    for (String n : names) {
      for (int p = 0; p < PARTITIONS; p++) {
        list.add(new TopicPartition(n + "-in", p));
      }
    }
    return list;
  }

  private static void create(TestKubernetes k8s, String bootstrap, String name) {
    StreamingPipeline p = TestPipelines.withMongo(TestPipelines.pipeline(NS, name, bootstrap));
    p.getSpec().getKafka().getTopics().get(0).setPartitions(PARTITIONS);
    SecretKeyRef uri = new SecretKeyRef();
    uri.setName("bench-mongo");
    uri.setKey("uri");
    p.getSpec().getSinks().getMongodb().setUriSecret(uri);
    LagSpec lag = new LagSpec();
    lag.setInterval("100ms");
    lag.setStatusInterval("100ms");
    lag.setWindow("2s");
    lag.setStallThreshold("1m");
    p.getSpec().setLag(lag);
    StreamingPipeline created = k8s.client().resource(p).create();
    StreamingPipelineStatus status = new StreamingPipelineStatus();
    for (String type :
        List.of(Conditions.TOPICS_READY, Conditions.SINKS_READY, Conditions.DRIVER_RUNNING)) {
      status
          .getConditions()
          .add(
              new Condition(
                  type,
                  Conditions.TRUE,
                  Conditions.Reason.READY.value(),
                  "ready",
                  "2024-01-01T00:00:00Z",
                  1L));
    }
    created.setStatus(status);
    k8s.client().resource(created).updateStatus();
  }

  private static void produce(
      KafkaProducer<String, String> producer, List<String> names, int perPartition) {
    for (String n : names) {
      for (int p = 0; p < PARTITIONS; p++) {
        for (int i = 0; i < perPartition; i++) {
          producer.send(new ProducerRecord<>(n + "-in", p, null, "x"));
        }
      }
    }
    producer.flush();
  }

  /** Stores every partition's end offset as processed, as a job that caught up would. */
  private static void catchUp(Admin admin, OffsetStore store, List<String> names) throws Exception {
    Map<TopicPartition, OffsetSpec> latest =
        partitions(names).stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
    for (String n : names) {
      List<PartitionOffset> offsets = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        offsets.add(
            new PartitionOffset(n + "-in", p, ends.get(new TopicPartition(n + "-in", p)).offset()));
      }
      PipelineKey key = new PipelineKey(NS, n);
      store.write(key, store.claim(key), offsets);
    }
  }

  /**
   * The baseline: the same offsets read with one listOffsets, group-offsets call and store read per
   * pipeline.
   */
  private static long perPipelineReads(Admin admin, OffsetStore store, List<String> names)
      throws Exception {
    long t0 = System.nanoTime();
    for (String n : names) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        latest.put(new TopicPartition(n + "-in", p), OffsetSpec.latest());
      }
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      admin
          .listConsumerGroupOffsets(Map.of(NS + "." + n, new ListConsumerGroupOffsetsSpec()))
          .all()
          .get(30, TimeUnit.SECONDS);
      store.read(new PipelineKey(NS, n));
    }
    return millis(t0);
  }

  private static Map<String, String> versions(TestKubernetes k8s) {
    return k8s
        .client()
        .resources(StreamingPipeline.class)
        .inNamespace(NS)
        .list()
        .getItems()
        .stream()
        .collect(
            Collectors.toMap(
                p -> p.getMetadata().getName(), p -> p.getMetadata().getResourceVersion()));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
  }

  private static long millis(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private LagBenchmark() {}
}
