package dev.insight.streaming.operator;

import static dev.insight.streaming.operator.testing.TestPipelines.closedPort;
import static dev.insight.streaming.operator.testing.TestPipelines.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DeletionPolicy;
import dev.insight.streaming.operator.api.spec.DriverResources;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.TopicStatus;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.driver.DriverNames;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's stories against the real API server, a real Kafka broker, a real Cassandra node
 * and a MongoDB-wire server: one operator for the class, one pipeline per story.
 */
class PipelineStoriesTest {

  static final String NS = "stories";
  static final Duration READY_WITHIN = Duration.ofSeconds(60);

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static TestKubernetes kube;
  static PipelineOperator operator;
  static Admin kafka;
  static CqlSession cassandra;
  static MongoClient mongo;
  static String bootstrap;
  static EmbeddedCassandra cassandraNode;

  @BeforeAll
  static void start() {
    bootstrap = SharedServers.kafka().bootstrapServers();
    cassandraNode = SharedServers.cassandra();
    SharedServers.mongo();
    kube = TestKubernetes.start(NS);
    operator = new PipelineOperator(kube.client(), OperatorSettings.defaults()).start();
    kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    cassandra =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(cassandraNode.host(), cassandraNode.port()))
            .withLocalDatacenter(cassandraNode.localDatacenter())
            .build();
    mongo = MongoClients.create(SharedServers.mongo().connectionString());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (cassandra != null) {
      cassandra.close();
    }
    if (mongo != null) {
      mongo.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void creatingAPipelineCreatesItsTopicsAndSinkStores() throws Exception {
    StreamingPipeline pipeline =
        TestPipelines.withCassandra(
            TestPipelines.withMongo(TestPipelines.pipeline(NS, "create-all", bootstrap)),
            cassandraNode.contactPoint(),
            cassandraNode.localDatacenter(),
            false);
    kube.secret(
        NS,
        TestPipelines.mongoSecret(pipeline),
        values("uri", SharedServers.mongo().connectionString()));
    create(pipeline);

    PipelineStatus.await(
        kube.client(), pipeline, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", READY_WITHIN);
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.SINKS_READY, Conditions.TRUE, "Ready", READY_WITHIN);

    // Kafka: the input topic with its partitions and config, and the dead-letter topic
    assertThat(
            kafka
                .describeTopics(List.of("create-all-in"))
                .allTopicNames()
                .get()
                .get("create-all-in")
                .partitions())
        .hasSize(2);
    assertThat(topicConfig("create-all-in", "retention.ms")).isEqualTo("3600000");
    assertThat(kafka.listTopics().names().get()).contains("stories.create-all.dlq");
    // Cassandra: keyspace with the spec's (default) replication, the table with the transform's
    // columns, offsets
    Row keyspace =
        cassandra
            .execute(
                "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
                "ks_create_all")
            .one();
    assertThat(keyspace).isNotNull();
    assertThat(keyspace.getMap("replication", String.class, String.class))
        .containsEntry("replication_factor", "1")
        .hasEntrySatisfying("class", c -> assertThat(c).endsWith("SimpleStrategy"));
    List<String> columns = new ArrayList<>();
    cassandra
        .execute(
            "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
            "ks_create_all",
            "rows")
        .forEach(r -> columns.add(r.getString(0)));
    assertThat(columns).containsExactlyInAnyOrder("id", "amount", "customer");
    assertThat(
            cassandra
                .execute(
                    "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                    "streaming_pipeline")
                .all())
        .extracting(r -> r.getString(0))
        .contains("offsets");
    // MongoDB: the collection and the offsets collection with its unique index
    assertThat(mongo.getDatabase("db_create_all").listCollectionNames()).contains("rows");
    List<Document> indexes =
        mongo
            .getDatabase("streaming_pipeline")
            .getCollection("offsets")
            .listIndexes()
            .into(new ArrayList<>());
    assertThat(indexes).anySatisfy(i -> assertThat(i.getBoolean("unique", false)).isTrue());

    StreamingPipeline stored = PipelineStatus.get(kube.client(), NS, "create-all");
    assertThat(stored.getMetadata().getFinalizers()).isNotEmpty();
    assertThat(stored.getStatus().getObservedGeneration())
        .isEqualTo(stored.getMetadata().getGeneration());
    assertThat(stored.getStatus().getTopics())
        .extracting(TopicStatus::getName, TopicStatus::getPartitions, TopicStatus::getReady)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("create-all-in", 2, true),
            org.assertj.core.groups.Tuple.tuple("stories.create-all.dlq", 1, true));
    assertThat(events("create-all")).extracting(Event::getReason).contains("Ready");
  }

  @Test
  void raisingPartitionsAndChangingConfigReachKafka() throws Exception {
    StreamingPipeline pipeline = mongoPipeline("raise");
    create(pipeline);
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", READY_WITHIN);

    edit(
        "raise",
        p -> {
          p.getSpec().getKafka().getTopics().get(0).setPartitions(5);
          p.getSpec().getKafka().getTopics().get(0).setConfig(Map.of("retention.ms", "7200000"));
        });

    await()
        .atMost(READY_WITHIN)
        .untilAsserted(
            () -> {
              assertThat(
                      kafka
                          .describeTopics(List.of("raise-in"))
                          .allTopicNames()
                          .get()
                          .get("raise-in")
                          .partitions())
                  .hasSize(5);
              assertThat(topicConfig("raise-in", "retention.ms")).isEqualTo("7200000");
            });
    await()
        .atMost(READY_WITHIN)
        .untilAsserted(
            () ->
                assertThat(
                        PipelineStatus.get(kube.client(), NS, "raise")
                            .getStatus()
                            .getTopics()
                            .get(0)
                            .getPartitions())
                    .isEqualTo(5));
  }

  @Test
  void aTopicWithMorePartitionsThanAskedIsKeptAndReported() throws Exception {
    kafka.createTopics(List.of(new NewTopic("larger-in", 4, (short) 1))).all().get();
    StreamingPipeline pipeline = mongoPipeline("larger");
    create(pipeline);

    Condition topics =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.TOPICS_READY,
            Conditions.TRUE,
            "TopicNotOwned",
            READY_WITHIN);
    // the topic was there before the pipeline: read, but neither shrunk, grown nor reconfigured
    assertThat(topics.getMessage())
        .contains(
            "Topic larger-in was not created by this pipeline: its config and partitions are left"
                + " alone and it is not deleted (it has 4 partitions, the spec asks 2; config"
                + " retention.ms not applied)");
    assertThat(
            kafka
                .describeTopics(List.of("larger-in"))
                .allTopicNames()
                .get()
                .get("larger-in")
                .partitions())
        .hasSize(4);
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.SINKS_READY, Conditions.TRUE, "Ready", READY_WITHIN);
  }

  @Test
  void unreachableKafkaIsReportedAndRecoveryFlipsTheConditionBack() throws Exception {
    int port = closedPort();
    StreamingPipeline pipeline =
        TestPipelines.withMongo(TestPipelines.pipeline(NS, "no-kafka", "127.0.0.1:" + port));
    kube.secret(
        NS,
        TestPipelines.mongoSecret(pipeline),
        values("uri", SharedServers.mongo().connectionString()));
    create(pipeline);

    Condition down =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.TOPICS_READY,
            Conditions.FALSE,
            "KafkaUnavailable",
            READY_WITHIN);
    assertThat(down.getMessage()).contains("127.0.0.1:" + port).contains("TimeoutException");
    assertThat(PipelineStatus.condition(kube.client(), NS, "no-kafka", Conditions.READY))
        .get()
        .extracting(Condition::getStatus)
        .isEqualTo(Conditions.FALSE);
    assertThat(get("/healthz")).isEqualTo(200);
    assertThat(kafka.listTopics().names().get()).doesNotContain("no-kafka-in");

    edit("no-kafka", p -> p.getSpec().getKafka().setBootstrapServers(bootstrap));
    Condition up =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.TOPICS_READY,
            Conditions.TRUE,
            "Ready",
            READY_WITHIN);
    // times have whole seconds, so a quick recovery may share the failure's second;
    // StatusWriterTest pins the rule
    assertThat(java.time.Instant.parse(up.getLastTransitionTime()))
        .isAfterOrEqualTo(java.time.Instant.parse(down.getLastTransitionTime()));
    assertThat(kafka.listTopics().names().get()).contains("no-kafka-in");
  }

  @Test
  void aMissingSecretIsNamedAndCreatingItRecovers() throws Exception {
    StreamingPipeline pipeline = mongoPipeline("no-secret");
    kube.client().secrets().inNamespace(NS).withName(TestPipelines.mongoSecret(pipeline)).delete();
    create(pipeline);

    Condition missing =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.SINKS_READY,
            Conditions.FALSE,
            "SecretNotFound",
            READY_WITHIN);
    assertThat(missing.getMessage())
        .contains("Secret stories/no-secret-mongo")
        .contains("sinks.mongodb.uriSecret");

    kube.secret(NS, "no-secret-mongo", values("other", "x"));
    Condition noKey =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.SINKS_READY,
            Conditions.FALSE,
            "SecretNotFound",
            READY_WITHIN);
    await()
        .atMost(READY_WITHIN)
        .untilAsserted(
            () ->
                assertThat(
                        PipelineStatus.condition(
                                kube.client(), NS, "no-secret", Conditions.SINKS_READY)
                            .orElseThrow()
                            .getMessage())
                    .contains("has no key 'uri'"));

    kube.secret(NS, "no-secret-mongo", values("uri", SharedServers.mongo().connectionString()));
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.SINKS_READY, Conditions.TRUE, "Ready", READY_WITHIN);
    assertThat(noKey.getType()).isEqualTo(Conditions.SINKS_READY);
  }

  @Test
  void anEditedSecretRestartsTheRunningDriverWithoutWaitingForAResync() throws Exception {
    StreamingPipeline pipeline = mongoPipeline("rotate");
    create(pipeline);
    String podName = "rotate-driver";
    Pod first =
        await()
            .atMost(READY_WITHIN)
            .until(
                () -> kube.client().pods().inNamespace(NS).withName(podName).get(),
                java.util.Objects::nonNull);
    // the test plays the kubelet: the driver runs, so nothing but an event brings a reconcile
    // within 2 minutes
    kube.client()
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder(first)
                .editOrNewStatus()
                .withPhase("Running")
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName("spark-kubernetes-driver")
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt(java.time.Instant.now().toString())
                        .endRunning()
                        .endState()
                        .build())
                .endStatus()
                .build())
        .updateStatus();
    PipelineStatus.await(
        kube.client(),
        pipeline,
        Conditions.DRIVER_RUNNING,
        Conditions.TRUE,
        "DriverRunning",
        READY_WITHIN);

    kube.secret(
        NS,
        TestPipelines.mongoSecret(pipeline),
        values("uri", SharedServers.mongo().connectionString(), "rotated", "yes"));

    // well inside the 2-minute resync: only the Secret's own event can have brought this reconcile
    await("a new driver pod after the Secret's edit")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                java.util.Optional.ofNullable(
                        kube.client().pods().inNamespace(NS).withName(podName).get())
                    .map(p -> p.getMetadata().getUid())
                    .orElse("none"),
            uid -> !uid.equals("none") && !uid.equals(first.getMetadata().getUid()));
    Pod second = kube.client().pods().inNamespace(NS).withName(podName).get();
    String version =
        kube.client()
            .secrets()
            .inNamespace(NS)
            .withName(TestPipelines.mongoSecret(pipeline))
            .get()
            .getMetadata()
            .getResourceVersion();
    assertThat(second.getMetadata().getAnnotations())
        .containsEntry("streaming.insight.dev/driver-secret-versions", "rotate-mongo=" + version);
  }

  @Test
  void anUnreachableStoreIsReportedAndFixingTheSpecRecovers() throws Exception {
    int port = closedPort();
    StreamingPipeline pipeline =
        TestPipelines.withCassandra(
            TestPipelines.pipeline(NS, "no-store", bootstrap),
            "127.0.0.1:" + port,
            cassandraNode.localDatacenter(),
            false);
    create(pipeline);

    Condition down =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.SINKS_READY,
            Conditions.FALSE,
            "SinkUnreachable",
            READY_WITHIN);
    assertThat(down.getMessage()).contains("127.0.0.1:" + port);
    assertThat(get("/healthz")).isEqualTo(200);

    edit(
        "no-store",
        p ->
            p.getSpec()
                .getSinks()
                .getCassandra()
                .setContactPoints(List.of(cassandraNode.contactPoint())));
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.SINKS_READY, Conditions.TRUE, "Ready", READY_WITHIN);
  }

  @Test
  void anInvalidSpecTouchesNothingOutsideTheClusterUntilFixed() throws Exception {
    StreamingPipeline pipeline = mongoPipeline("invalid");
    // what only the operator can check (the API server refuses what the CRD's rules can say): a
    // CPU limit below the cores requested
    DriverResources driver = new DriverResources();
    driver.setCores(2);
    driver.setCpuLimit("1");
    pipeline.getSpec().getJob().setDriver(driver);
    create(pipeline);

    Condition ready =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.READY,
            Conditions.FALSE,
            "InvalidSpec",
            READY_WITHIN);
    assertThat(ready.getMessage()).contains("spec.job.driver.cpuLimit");
    assertThat(PipelineStatus.condition(kube.client(), NS, "invalid", Conditions.TOPICS_READY))
        .isEmpty();
    assertThat(kafka.listTopics().names().get()).doesNotContain("invalid-in");
    assertThat(events("invalid"))
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("InvalidSpec");
              assertThat(e.getType()).isEqualTo("Warning");
            });

    edit("invalid", p -> p.getSpec().getJob().getDriver().setCpuLimit(null));
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", READY_WITHIN);
    assertThat(kafka.listTopics().names().get()).contains("invalid-in");
  }

  @Test
  void deletingWithRetainKeepsTheTopics() throws Exception {
    StreamingPipeline pipeline = mongoPipeline("retain");
    create(pipeline);
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", READY_WITHIN);

    deleteAndAwaitGone("retain");
    assertThat(kafka.listTopics().names().get()).contains("retain-in", "stories.retain.dlq");
  }

  @Test
  void deletingAPipelineLeavesItsChildrenToTheGarbageCollector() throws Exception {
    StreamingPipeline pipeline = mongoPipeline("collected");
    create(pipeline);
    DriverNames names = DriverNames.of(pipeline);
    await()
        .atMost(READY_WITHIN)
        .until(() -> kube.client().pods().inNamespace(NS).withName(names.pod()).get() != null);
    List<Supplier<HasMetadata>> children =
        List.of(
            () -> kube.client().configMaps().inNamespace(NS).withName(names.configMap()).get(),
            () -> kube.client().services().inNamespace(NS).withName(names.service()).get(),
            () ->
                kube.client()
                    .serviceAccounts()
                    .inNamespace(NS)
                    .withName(names.serviceAccount())
                    .get(),
            () ->
                kube.client()
                    .rbac()
                    .roleBindings()
                    .inNamespace(NS)
                    .withName(names.roleBinding())
                    .get(),
            () -> kube.client().pods().inNamespace(NS).withName(names.pod()).get());
    StreamingPipeline stored = PipelineStatus.get(kube.client(), NS, "collected");
    for (Supplier<HasMetadata> child : children) {
      assertThat(child.get()).isNotNull();
      assertThat(child.get().getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(stored.getMetadata().getUid()));
    }

    deleteAndAwaitGone("collected");

    // the operator deletes only the driver pod (gracefully); the real garbage collector removes the
    // rest
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(children).allSatisfy(child -> assertThat(child.get()).isNull()));
  }

  @Test
  void deletingWithDeleteDeletesTheTopics() throws Exception {
    StreamingPipeline pipeline = mongoPipeline("drop");
    pipeline.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
    create(pipeline);
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", READY_WITHIN);
    assertThat(kafka.listTopics().names().get()).contains("drop-in", "stories.drop.dlq");

    deleteAndAwaitGone("drop");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(kafka.listTopics().names().get())
                    .doesNotContain("drop-in", "stories.drop.dlq"));
  }

  @Test
  void deletingWithDeleteWhileKafkaIsUnreachableGivesUpWithAWarning() throws Exception {
    StreamingPipeline pipeline = mongoPipeline("drop-unreachable");
    pipeline.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
    create(pipeline);
    // the pipeline creates its topics (only those it created are deleted), then loses its broker
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", READY_WITHIN);
    String unreachable = "127.0.0.1:" + closedPort();
    edit("drop-unreachable", p -> p.getSpec().getKafka().setBootstrapServers(unreachable));
    PipelineStatus.await(
        kube.client(),
        pipeline,
        Conditions.TOPICS_READY,
        Conditions.FALSE,
        "KafkaUnavailable",
        READY_WITHIN);

    deleteAndAwaitGone("drop-unreachable");
    assertThat(events("drop-unreachable"))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("KafkaUnavailable");
              assertThat(e.getMessage())
                  .contains("could not be deleted")
                  .contains("drop-unreachable-in");
            });
  }

  @Test
  void healthReadinessAndMetricsAreServed() throws Exception {
    assertThat(get("/healthz")).isEqualTo(200);
    assertThat(get("/readyz")).isEqualTo(200);
    assertThat(get("/metrics")).isEqualTo(200);
  }

  private static StreamingPipeline mongoPipeline(String name) {
    StreamingPipeline pipeline =
        TestPipelines.withMongo(TestPipelines.pipeline(NS, name, bootstrap));
    kube.secret(
        NS,
        TestPipelines.mongoSecret(pipeline),
        values("uri", SharedServers.mongo().connectionString()));
    return pipeline;
  }

  private static void create(StreamingPipeline pipeline) {
    kube.client().resource(pipeline).create();
  }

  private static void edit(String name, java.util.function.Consumer<StreamingPipeline> change) {
    TestKubernetes.editPipeline(kube.client(), NS, name, change);
  }

  private static void deleteAndAwaitGone(String name) {
    kube.client().resources(StreamingPipeline.class).inNamespace(NS).withName(name).delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> PipelineStatus.get(kube.client(), NS, name) == null);
  }

  private static List<Event> events(String name) {
    return kube.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private static String topicConfig(String topic, String key) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return kafka.describeConfigs(Set.of(resource)).all().get().get(resource).get(key).value();
  }

  private static int get(String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
