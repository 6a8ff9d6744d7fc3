package dev.insight.streaming.operator;

import static dev.insight.streaming.operator.testing.TestPipelines.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.embedded.EmbeddedKafkaCluster;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DeadLetterSpec;
import dev.insight.streaming.operator.api.spec.DeletionPolicy;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.driver.DriverNames;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's topic stories on the shared three-node cluster (with {@code
 * auto.create.topics.enable=true}), against the real API server: replicated topics as the spec asks
 * for them, and topics that stay deleted after a pipeline with {@code deletionPolicy: Delete} goes.
 */
class ReplicatedTopicsStoriesTest {

  static final String NS = "replicated";
  static final String NODE = "replicated-stories-node";
  static final Duration READY_WITHIN = Duration.ofSeconds(60);

  static EmbeddedKafkaCluster kafka;
  static TestKubernetes kube;
  static PipelineOperator operator;
  static Admin admin;

  @BeforeAll
  static void start() {
    kafka = SharedServers.kafkaCluster();
    SharedServers.mongo();
    kube = TestKubernetes.start(NS);
    kube.client()
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build())
        .createOr(op -> op.patch());
    operator =
        new PipelineOperator(kube.client(), OperatorSettings.defaults().withNamespaces(Set.of(NS)))
            .start();
    admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (kube != null) {
      // a pod bound to the story's Node waits for a kubelet's word, and with it the namespace
      kube.client().pods().inNamespace(NS).withGracePeriod(0).delete();
      kube.client().nodes().withName(NODE).delete();
      kube.close();
    }
  }

  @Test
  void topicsGetReplicationFactorThreeAndMinInsyncReplicasTwoOnTheBrokers() throws Exception {
    StreamingPipeline pipeline = replicatedPipeline("rf3");
    create(pipeline);
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", READY_WITHIN);

    Map<String, TopicDescription> topics =
        admin
            .describeTopics(List.of("rf3-in", pipeline.effectiveDeadLetterTopic()))
            .allTopicNames()
            .get();
    assertThat(topics.get("rf3-in").partitions()).hasSize(2);
    for (TopicDescription topic : topics.values()) {
      for (TopicPartitionInfo partition : topic.partitions()) {
        assertThat(partition.replicas())
            .as("replicas of %s-%d", topic.name(), partition.partition())
            .extracting(Node::id)
            .containsExactlyInAnyOrder(1, 2, 3);
      }
      // every replica has its log on its broker
      Set<TopicPartition> expected = new HashSet<>();
      topic
          .partitions()
          .forEach(p -> expected.add(new TopicPartition(topic.name(), p.partition())));
      admin
          .describeLogDirs(kafka.nodeIds())
          .allDescriptions()
          .get()
          .forEach(
              (broker, dirs) -> {
                Set<TopicPartition> held = new HashSet<>();
                dirs.values().forEach(dir -> held.addAll(dir.replicaInfos().keySet()));
                assertThat(held).as("logs on node %d", broker).containsAll(expected);
              });
    }
    kafka.awaitInSync("rf3-in", Duration.ofSeconds(30));
    for (String topic : List.of("rf3-in")) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      ConfigEntry minInsync =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get()
              .get(resource)
              .get("min.insync.replicas");
      assertThat(minInsync.value()).as("%s min.insync.replicas", topic).isEqualTo("2");
      assertThat(minInsync.source())
          .as("set on the topic, not inherited from a broker default")
          .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }
  }

  @Test
  void deletedTopicsStayDeletedOnAClusterThatCreatesTopicsOnDemand() throws Exception {
    StreamingPipeline pipeline = replicatedPipeline("drop-auto");
    pipeline.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
    create(pipeline);
    PipelineStatus.await(
        kube.client(), pipeline, Conditions.TOPICS_READY, Conditions.TRUE, "Ready", READY_WITHIN);
    List<String> names = List.of("drop-auto-in", pipeline.effectiveDeadLetterTopic());
    String pod = DriverNames.of(pipeline).pod();
    await("the driver pod")
        .atMost(READY_WITHIN)
        .until(() -> kube.client().pods().inNamespace(NS).withName(pod).get() != null);
    // the test is the kubelet of a Node: a bound pod's deletion waits for the kubelet's word
    bind(pod);

    // the driver, played by a consumer as willing to create topics as any: it subscribes to the
    // pipeline's topics and a scratch topic, and refreshes its metadata twice a second
    String scratch = "drop-auto-scratch";
    kafka.createTopic(scratch, 1, 3, Map.of());
    List<String> subscribed = List.of(names.get(0), names.get(1), scratch);
    AtomicBoolean driverStopped = new AtomicBoolean();
    Thread driver = new Thread(() -> consume(subscribed, driverStopped), "stand-in-driver");
    driver.start();
    try {
      // the premise: on this cluster, a topic deleted under a live client comes back (a new id)
      Uuid scratchId = topicIds(List.of(scratch)).get(scratch);
      admin.deleteTopics(List.of(scratch)).all().get();
      await("the scratch topic re-created by the running consumer")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> topicIds(List.of(scratch)).get(scratch),
              id -> id != null && !id.equals(scratchId));

      Map<String, Uuid> before = topicIds(names);
      assertThat(before).containsOnlyKeys(names);
      kube.client().resource(pipeline).delete();
      await("the operator's graceful deletion of the driver pod")
          .atMost(READY_WITHIN)
          .until(
              () -> kube.client().pods().inNamespace(NS).withName(pod).get(),
              p -> p != null && p.getMetadata().getDeletionTimestamp() != null);
      // the driver is stopping: the operator, asked again meanwhile, leaves the topics alone
      TestKubernetes.editPipeline(
          kube.client(),
          NS,
          "drop-auto",
          p -> p.getMetadata().setAnnotations(Map.of("story/nudge", "while-stopping")));
      long holdUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      while (System.nanoTime() < holdUntil) {
        assertThat(topicIds(names)).as("topics while the driver stops").isEqualTo(before);
        Thread.sleep(250);
      }
    } finally {
      driverStopped.set(true);
      driver.join(30_000);
      if (driver.isAlive()) {
        throw new AssertionError("the stand-in driver did not stop");
      }
    }
    // the container stopped: the kubelet confirms the deletion
    kube.client().pods().inNamespace(NS).withName(pod).withGracePeriod(0).delete();
    await("the pipeline gone")
        .atMost(Duration.ofSeconds(60))
        .until(() -> PipelineStatus.get(kube.client(), NS, "drop-auto") == null);
    await("the topics deleted")
        .atMost(Duration.ofSeconds(30))
        .until(() -> topicIds(names).isEmpty());
    long watchUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < watchUntil) {
      assertThat(admin.listTopics().names().get())
          .as("topics after deletion")
          .doesNotContainAnyElementsOf(names);
      Thread.sleep(250);
    }
    admin.deleteTopics(List.of(scratch)).all().get();
  }

  /**
   * A pipeline whose input topic asks for 3 replicas and min.insync.replicas 2, and whose
   * dead-letter topic for 3 replicas.
   */
  private static StreamingPipeline replicatedPipeline(String name) {
    StreamingPipeline pipeline =
        TestPipelines.withMongo(TestPipelines.pipeline(NS, name, kafka.bootstrapServers()));
    var topic = pipeline.getSpec().getKafka().getTopics().get(0);
    topic.setReplicationFactor(3);
    Map<String, String> config = new LinkedHashMap<>(topic.getConfig());
    config.put("min.insync.replicas", "2");
    topic.setConfig(config);
    DeadLetterSpec deadLetter = new DeadLetterSpec();
    deadLetter.setReplicationFactor(3);
    pipeline.getSpec().setDeadLetter(deadLetter);
    kube.secret(
        NS,
        TestPipelines.mongoSecret(pipeline),
        values("uri", SharedServers.mongo().connectionString()));
    return pipeline;
  }

  private static void create(StreamingPipeline pipeline) {
    kube.client().resource(pipeline).create();
  }

  private static void bind(String pod) {
    kube.client()
        .bindings()
        .inNamespace(NS)
        .resource(
            new BindingBuilder()
                .withNewMetadata()
                .withName(pod)
                .endMetadata()
                .withNewTarget()
                .withKind("Node")
                .withName(NODE)
                .endTarget()
                .build())
        .create();
    Pod bound = kube.client().pods().inNamespace(NS).withName(pod).get();
    assertThat(bound.getSpec().getNodeName()).isEqualTo(NODE);
  }

  /** The ids of those of {@code topics} that exist. */
  private static Map<String, Uuid> topicIds(List<String> topics) throws Exception {
    Set<String> existing = admin.listTopics().names().get();
    List<String> present = topics.stream().filter(existing::contains).toList();
    Map<String, Uuid> ids = new HashMap<>();
    if (!present.isEmpty()) {
      admin
          .describeTopics(present)
          .allTopicNames()
          .get()
          .forEach((name, description) -> ids.put(name, description.topicId()));
    }
    return ids;
  }

  private static void consume(List<String> topics, AtomicBoolean stopped) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "stand-in-driver");
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, true);
    config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(topics);
      while (!stopped.get()) {
        consumer.poll(Duration.ofMillis(200));
      }
    }
  }
}
