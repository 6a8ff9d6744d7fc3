package dev.insight.streaming.operator.lag;

import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineStatus;
import dev.insight.streaming.operator.api.spec.LagSpec;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.kafka.KafkaCluster;
import dev.insight.streaming.operator.kafka.KafkaClusters;
import dev.insight.streaming.operator.secrets.SecretResolver;
import dev.insight.streaming.operator.sinksetup.MongoCluster;
import dev.insight.streaming.operator.sinksetup.SinkConnections;
import dev.insight.streaming.operator.status.EventRecorder;
import dev.insight.streaming.operator.status.PhaseRule;
import dev.insight.streaming.operator.status.StatusWriter;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.PipelineKey;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The lag monitor's surroundings for one test class: the real API server with namespace {@code
 * lag}, the shared real Kafka broker (or another Kafka: see the constructors) and MongoDB-wire
 * server, the operator's Kafka and sink connections, a status writer, a Prometheus registry and a
 * monitor over them. Closing it closes all of it except the shared servers.
 */
final class LagWorld implements AutoCloseable {

  static final String NS = "lag";
  static final List<String> READINESS =
      List.of(Conditions.TOPICS_READY, Conditions.SINKS_READY, Conditions.DRIVER_RUNNING);

  /** The bootstrap servers of the Kafka the world's topics live on. */
  final String bootstrap;

  private final BiConsumer<String, Integer> createTopic;
  final EmbeddedMongo mongo = SharedServers.mongo();
  final TestKubernetes k8s = TestKubernetes.start(NS);
  final SecretResolver secrets = new SecretResolver(k8s.client());
  final KafkaClusters kafkaClusters;
  final SinkConnections sinks;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final LagMonitor monitor;
  private final SharedIndexInformer<StreamingPipeline> pipelines;
  private final KafkaProducer<String, String> producer;

  /** A world on the shared single broker. */
  LagWorld(Clock clock, Duration tick) {
    this(clock, tick, SharedServers.kafka().bootstrapServers(), SharedServers.kafka()::createTopic);
  }

  /**
   * A world on the Kafka at {@code bootstrap}, whose pipelines' topics {@code createTopic} (name,
   * partitions) makes, returning once producers can write to them.
   */
  LagWorld(Clock clock, Duration tick, String bootstrap, BiConsumer<String, Integer> createTopic) {
    this.bootstrap = bootstrap;
    this.createTopic = createTopic;
    kafkaClusters = new KafkaClusters(secrets, clock);
    sinks = new SinkConnections(secrets, clock);
    StatusWriter writer =
        new StatusWriter(
            k8s.client(), new EventRecorder(k8s.client(), clock), new PhaseRule(READINESS), clock);
    // the operator hands the monitor its reconciler's primary cache; here an informer stands in
    pipelines = k8s.client().resources(StreamingPipeline.class).inNamespace(NS).inform();
    monitor =
        new LagMonitor(
            k8s.client().getKubernetesSerialization(),
            () -> pipelines.getStore().list(),
            kafkaClusters,
            sinks,
            writer,
            registry,
            tick,
            clock);
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                0),
            new StringSerializer(),
            new StringSerializer());
  }

  /**
   * Creates topic {@code <name>-in} with {@code partitions}, the Mongo URI Secret and the pipeline
   * with a MongoDB sink and the given lag settings, its status saying topics, sinks and driver are
   * ready.
   */
  StreamingPipeline pipeline(String name, int partitions, LagSpec lag) {
    return pipeline(name, partitions, lag, bootstrap, mongo.connectionString());
  }

  StreamingPipeline pipeline(
      String name, int partitions, LagSpec lag, String bootstrap, String mongoUri) {
    StreamingPipeline p = TestPipelines.withMongo(TestPipelines.pipeline(NS, name, bootstrap));
    p.getSpec().getKafka().getTopics().get(0).setPartitions(partitions);
    p.getSpec().setLag(lag);
    if (bootstrap.equals(this.bootstrap)) {
      createTopic.accept(TestPipelines.inputTopic(p), partitions);
    }
    k8s.secret(NS, TestPipelines.mongoSecret(p), Map.of("uri", mongoUri));
    StreamingPipeline created = k8s.client().resource(p).create();
    StreamingPipelineStatus status = new StreamingPipelineStatus();
    String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    for (String type : READINESS) {
      status
          .getConditions()
          .add(
              new Condition(
                  type,
                  Conditions.TRUE,
                  Conditions.Reason.READY.value(),
                  "ready",
                  now,
                  created.getMetadata().getGeneration()));
    }
    created.setStatus(status);
    return k8s.client().resource(created).updateStatus();
  }

  static LagSpec lag(
      String interval, String statusInterval, String window, String stallThreshold, long warn) {
    LagSpec spec = new LagSpec();
    spec.setInterval(interval);
    spec.setStatusInterval(statusInterval);
    spec.setWindow(window);
    spec.setStallThreshold(stallThreshold);
    spec.setWarnThreshold(warn);
    spec.setMaxPartitionsInStatus(20);
    return spec;
  }

  StreamingPipeline get(String name) {
    return PipelineStatus.get(k8s.client(), NS, name);
  }

  Admin admin() {
    return kafkaClusters.admin(KafkaCluster.of(bootstrap));
  }

  OffsetStore store() {
    return sinks.offsetStore(new MongoCluster(mongo.connectionString()));
  }

  /** Appends {@code count} records to every partition of the topic and waits for them. */
  void produce(String topic, int partitions, int count) {
    try {
      for (int i = 0; i < count; i++) {
        for (int p = 0; p < partitions; p++) {
          producer.send(new ProducerRecord<>(topic, p, null, "r" + i)).get();
        }
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends one record without waiting, for producers at a fixed rate. */
  void send(String topic, int partition, String value) {
    producer.send(new ProducerRecord<>(topic, partition, null, value));
  }

  /** Writes processed offsets as the job does (into the pipeline's offset store). */
  void store(StreamingPipeline p, Map<Integer, Long> offsets) {
    List<PartitionOffset> list = new ArrayList<>();
    offsets.forEach(
        (partition, offset) ->
            list.add(new PartitionOffset(TestPipelines.inputTopic(p), partition, offset)));
    PipelineKey key = new PipelineKey(NS, p.getMetadata().getName());
    store().write(key, store().claim(key), list);
  }

  /** Commits offsets to the pipeline's consumer group (the default {@code <namespace>.<name>}). */
  void commit(StreamingPipeline p, Map<Integer, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> map =
        offsets.entrySet().stream()
            .collect(
                Collectors.toMap(
                    e -> new TopicPartition(TestPipelines.inputTopic(p), e.getKey()),
                    e -> new OffsetAndMetadata(e.getValue())));
    try {
      admin().alterConsumerGroupOffsets(NS + "." + p.getMetadata().getName(), map).all().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reasons of the Events recorded on a pipeline, oldest first. */
  List<String> eventReasons(String name) {
    return k8s.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .sorted(
            java.util.Comparator.comparing(Event::getFirstTimestamp)
                .thenComparing(
                    e ->
                        e.getMetadata().getCreationTimestamp() == null
                            ? ""
                            : e.getMetadata().getCreationTimestamp()))
        .map(Event::getReason)
        .toList();
  }

  @Override
  public void close() {
    monitor.close();
    pipelines.close();
    producer.close(Duration.ofSeconds(2));
    kafkaClusters.close();
    sinks.close();
    registry.close();
    k8s.close();
  }

  /** A clock a test moves by hand. */
  static final class HandClock extends Clock {
    private volatile Instant now;

    HandClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
