package dev.insight.streaming.operator.security;

import static dev.insight.streaming.operator.testing.TestPipelines.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.PipelineOperator;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DeletionPolicy;
import dev.insight.streaming.operator.api.spec.TopicSpec;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.TopicStatus;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.driver.DriverNames;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one pipeline's author cannot do to what is not theirs (issue 15), against the real API
 * server, a real Kafka broker, a real Cassandra node and a MongoDB-wire server: topics that existed
 * before a pipeline are read but never reconfigured, grown or deleted; two names that make the same
 * DNS label get their own driver objects; an object of a pipeline's derived name that something
 * else controls is left alone; a sink table another pipeline claims is refused.
 */
class OwnershipStoriesTest {

  static final String NS = "ownership";
  static final Duration WITHIN = Duration.ofSeconds(60);

  static TestKubernetes kube;
  static PipelineOperator operator;
  static Admin kafka;
  static String bootstrap;
  static EmbeddedCassandra cassandra;

  @BeforeAll
  static void start() {
    bootstrap = SharedServers.kafka().bootstrapServers();
    cassandra = SharedServers.cassandra();
    SharedServers.mongo();
    kube = TestKubernetes.start(NS);
    operator = new PipelineOperator(kube.client(), OperatorSettings.defaults()).start();
    kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void aTopicThatExistedBeforeIsLeftAloneOnCreationAndDeletionWhileCreatedOnesAreDeleted()
      throws Exception {
    kafka
        .createTopics(
            List.of(
                new NewTopic("shared-events", 3, (short) 1)
                    .configs(Map.of("retention.ms", "86400000"))))
        .all()
        .get();
    TopicDescription before = describe("shared-events");
    StreamingPipeline pipeline = mongoPipeline("own-topics", "db_own_topics");
    pipeline.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
    // the author asks for what would purge and reshape someone else's topic
    TopicSpec shared = new TopicSpec();
    shared.setName("shared-events");
    shared.setPartitions(6);
    shared.setReplicationFactor(1);
    shared.setConfig(Map.of("retention.ms", "1000"));
    pipeline.getSpec().getKafka().getTopics().add(shared);
    kube.client().resource(pipeline).create();

    Condition topics =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.TOPICS_READY,
            Conditions.TRUE,
            "TopicNotOwned",
            WITHIN);
    assertThat(topics.getMessage())
        .contains(
            "Topic shared-events was not created by this pipeline: its config and partitions are"
                + " left alone and it is not deleted (it has 3 partitions, the spec asks 6; config"
                + " retention.ms not applied)")
        .doesNotContain("Topic own-topics-in");
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.SINKS_READY, Conditions.TRUE, "Ready", WITHIN);
    assertThat(describe("shared-events").partitions()).hasSize(3);
    assertThat(retention("shared-events")).isEqualTo("86400000");
    // the topics it created carry Kafka's IDs in status; the default dead-letter topic has the
    // namespace in its name
    String deadLetter = NS + ".own-topics.dlq";
    Map<String, String> recorded =
        PipelineStatus.get(kube.client(), NS, "own-topics").getStatus().getTopics().stream()
            .filter(t -> t.getCreatedTopicId() != null)
            .collect(
                java.util.stream.Collectors.toMap(
                    TopicStatus::getName, TopicStatus::getCreatedTopicId));
    assertThat(recorded)
        .containsOnly(
            Map.entry("own-topics-in", describe("own-topics-in").topicId().toString()),
            Map.entry(deadLetter, describe(deadLetter).topicId().toString()));
    assertThat(retention("own-topics-in")).isEqualTo("3600000");

    kube.client().resource(pipeline).delete();
    await().atMost(WITHIN).until(() -> PipelineStatus.get(kube.client(), NS, "own-topics") == null);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(kafka.listTopics().names().get())
                    .doesNotContain("own-topics-in", deadLetter)
                    .contains("shared-events"));
    TopicDescription after = describe("shared-events");
    assertThat(after.topicId()).isEqualTo(before.topicId());
    assertThat(after.partitions()).hasSize(3);
    assertThat(retention("shared-events")).isEqualTo("86400000");
  }

  @Test
  void namesThatMakeTheSameDnsLabelRunSideBySide() {
    StreamingPipeline dotted = mongoPipeline("orders.v1", "db_orders_dotted");
    StreamingPipeline dashed = mongoPipeline("orders-v1", "db_orders_dashed");
    kube.client().resource(dotted).create();
    kube.client().resource(dashed).create();
    DriverNames dottedNames = DriverNames.of(dotted);
    DriverNames dashedNames = DriverNames.of(dashed);
    assertThat(dashedNames.pod()).isEqualTo("orders-v1-driver");
    assertThat(dottedNames.pod()).matches("orders-v1-[0-9a-f]{8}-driver");

    // both reach their driver step and start their own driver pod
    for (StreamingPipeline pipeline : List.of(dotted, dashed)) {
      PipelineStatus.await(
          kube.client(),
          pipeline,
          Conditions.DRIVER_RUNNING,
          Conditions.FALSE,
          "DriverStarting",
          WITHIN);
    }
    String dottedUid = PipelineStatus.get(kube.client(), NS, "orders.v1").getMetadata().getUid();
    String dashedUid = PipelineStatus.get(kube.client(), NS, "orders-v1").getMetadata().getUid();
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              assertThat(children(dottedNames)).allSatisfy(c -> assertControlledBy(c, dottedUid));
              assertThat(children(dashedNames)).allSatisfy(c -> assertControlledBy(c, dashedUid));
            });
    Pod dashedPod = pod(dashedNames.pod());

    kube.client().resource(dotted).delete();
    await().atMost(WITHIN).until(() -> PipelineStatus.get(kube.client(), NS, "orders.v1") == null);
    await().atMost(WITHIN).untilAsserted(() -> assertThat(pod(dottedNames.pod())).isNull());
    // the other pipeline's objects are all still there, its driver pod the very same one
    assertThat(children(dashedNames)).allSatisfy(c -> assertControlledBy(c, dashedUid));
    Pod still = pod(dashedNames.pod());
    assertThat(still.getMetadata().getUid()).isEqualTo(dashedPod.getMetadata().getUid());
    assertThat(still.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(PipelineStatus.condition(kube.client(), NS, "orders-v1", Conditions.DRIVER_RUNNING))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("DriverStarting"));
  }

  @Test
  void anObjectOfThePipelinesNameThatSomethingElseControlsIsLeftAloneWithNameConflict() {
    ConfigMap squatter =
        kube.client()
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("squatter")
                    .withNamespace(NS)
                    .endMetadata()
                    .build())
            .create();
    // the ServiceAccount admission plugin wants the namespace's default account for a bare pod
    await()
        .atMost(WITHIN)
        .until(
            () ->
                kube.client().serviceAccounts().inNamespace(NS).withName("default").get() != null);
    StreamingPipeline pipeline = mongoPipeline("squat", "db_squat");
    String podName = DriverNames.of(pipeline).pod();
    Pod foreign =
        kube.client()
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(podName)
                    .withNamespace(NS)
                    .addNewOwnerReference()
                    .withApiVersion("v1")
                    .withKind("ConfigMap")
                    .withName("squatter")
                    .withUid(squatter.getMetadata().getUid())
                    .withController(true)
                    .endOwnerReference()
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("main")
                    .withImage("someone-elses:1")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    kube.client().resource(pipeline).create();

    Condition conflict =
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.DRIVER_RUNNING,
            Conditions.FALSE,
            "NameConflict",
            WITHIN);
    assertThat(conflict.getMessage())
        .contains("Pod " + podName + " exists with controller ConfigMap squatter")
        .contains("neither changes nor deletes it");
    Pod now = pod(podName);
    assertThat(now.getMetadata().getUid()).isEqualTo(foreign.getMetadata().getUid());
    assertThat(now.getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(now.getMetadata().getDeletionTimestamp()).isNull();

    // deleting the pipeline leaves it too
    kube.client().resource(pipeline).delete();
    await().atMost(WITHIN).until(() -> PipelineStatus.get(kube.client(), NS, "squat") == null);
    assertThat(pod(podName).getMetadata().getUid()).isEqualTo(foreign.getMetadata().getUid());
    assertThat(pod(podName).getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  void aSecondPipelineNamingAClaimedTableIsRefusedUntilTheFirstIsDeleted() {
    StreamingPipeline first =
        TestPipelines.withCassandra(
            mongoPipeline("claim-a", "db_claim_a"),
            cassandra.contactPoint(),
            cassandra.localDatacenter(),
            false);
    kube.client().resource(first).create();
    PipelineStatus.await(
        kube.client(), first, Conditions.SINKS_READY, Conditions.TRUE, "Ready", WITHIN);

    StreamingPipeline second =
        TestPipelines.withCassandra(
            mongoPipeline("claim-b", "db_claim_a"),
            cassandra.contactPoint(),
            cassandra.localDatacenter(),
            false);
    second.getSpec().getSinks().getCassandra().setKeyspace("ks_claim_a");
    kube.client().resource(second).create();
    Condition refused =
        PipelineStatus.await(
            kube.client(), second, Conditions.SINKS_READY, Conditions.FALSE, "SinkClaimed", WITHIN);
    String firstUid = PipelineStatus.get(kube.client(), NS, "claim-a").getMetadata().getUid();
    assertThat(refused.getMessage())
        .contains(
            "cassandra ks_claim_a.rows is claimed by pipeline "
                + NS
                + "/claim-a (uid "
                + firstUid
                + ")")
        .contains(
            "mongodb db_claim_a.rows is claimed by pipeline "
                + NS
                + "/claim-a (uid "
                + firstUid
                + ")");
    // the refused pipeline never reaches its driver
    assertThat(pod(DriverNames.of(second).pod())).isNull();
    assertThat(PipelineStatus.condition(kube.client(), NS, "claim-a", Conditions.SINKS_READY))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo(Conditions.TRUE));

    // deleting the first releases its claims: the second takes them
    kube.client().resource(first).delete();
    await().atMost(WITHIN).until(() -> PipelineStatus.get(kube.client(), NS, "claim-a") == null);
    PipelineStatus.await(
        kube.client(),
        second,
        Conditions.SINKS_READY,
        Conditions.TRUE,
        "Ready",
        Duration.ofSeconds(150));
  }

  private static StreamingPipeline mongoPipeline(String name, String database) {
    StreamingPipeline pipeline =
        TestPipelines.withMongo(TestPipelines.pipeline(NS, name, bootstrap));
    pipeline.getSpec().getSinks().getMongodb().setDatabase(database);
    kube.secret(
        NS,
        TestPipelines.mongoSecret(pipeline),
        values("uri", SharedServers.mongo().connectionString()));
    return pipeline;
  }

  private static List<HasMetadata> children(DriverNames names) {
    List<Function<String, HasMetadata>> getters =
        List.of(
            n -> kube.client().configMaps().inNamespace(NS).withName(n).get(),
            n -> kube.client().services().inNamespace(NS).withName(n).get(),
            n -> kube.client().serviceAccounts().inNamespace(NS).withName(n).get(),
            n -> kube.client().rbac().roleBindings().inNamespace(NS).withName(n).get(),
            n -> kube.client().pods().inNamespace(NS).withName(n).get());
    List<HasMetadata> found =
        new java.util.ArrayList<>(getters.stream().map(g -> g.apply(names.pod())).toList());
    found.add(kube.client().secrets().inNamespace(NS).withName(names.sparkAuthSecret()).get());
    return found;
  }

  private static void assertControlledBy(HasMetadata child, String uid) {
    assertThat(child).isNotNull();
    assertThat(child.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo(uid);
              assertThat(o.getController()).isTrue();
            });
  }

  private static Pod pod(String name) {
    return kube.client().pods().inNamespace(NS).withName(name).get();
  }

  private static TopicDescription describe(String topic) throws Exception {
    return kafka.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
  }

  private static String retention(String topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return kafka
        .describeConfigs(Set.of(resource))
        .all()
        .get()
        .get(resource)
        .get("retention.ms")
        .value();
  }
}
