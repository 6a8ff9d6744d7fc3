package dev.insight.streaming.local.stories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.demo.DemoManifest;
import dev.insight.streaming.local.demo.EventProducer;
import dev.insight.streaming.local.demo.ServerAddresses;
import dev.insight.streaming.local.demo.SinkCounter;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DeletionPolicy;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.driver.DriverContract;
import dev.insight.streaming.operator.driver.DriverNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on the local cluster, one story per test: the real control plane and operator,
 * driver and executor pods run by the node agent as JVMs of the real job, real Kafka, Cassandra and
 * MongoDB-wire servers, shared by every story (a driver's SIGKILL is ExecutorPodsStoryTest's).
 */
class PipelineStoriesTest {

  static final Duration READY_WITHIN = Duration.ofSeconds(120);
  static final Duration DRAINED_WITHIN = Duration.ofSeconds(120);

  static LocalCluster cluster;
  static KubernetesClient client;
  static ServerAddresses servers;

  @BeforeAll
  static void start() {
    servers = LocalWorld.sharedServers();
    cluster = SharedCluster.get();
    client = cluster.client();
  }

  /** Whatever the stories ran, no driver or executor met a 403 or a name collision. */
  @AfterAll
  static void noPodMetARefusal() {
    PodLogs.assertNoRefusal(SharedCluster.workDir());
  }

  /** The same scenario as ChartOnK3sTest runs on k3s, here on the local cluster. */
  @Test
  void
      appliedPipelineTurnsReadyWithLagZeroAndExactCountsInBothSinksAndDeletionLeavesNoChildButTheTopic() {
    apply("applied", spec -> {});
    try (LocalWorld world = new LocalWorld(servers)) {
      PipelineScenario.run(client, "default", "applied", world, 3000, Duration.ofSeconds(180));
    } finally {
      delete("applied"); // the scenario deletes it when it passes; a failed one must not linger
    }
    assertThat(topics())
        .as("deletionPolicy Retain (the default) keeps the topic")
        .contains("applied.events");
  }

  @Test
  void aRedeployingSpecChangeAndASuspendResumeLoseAndDuplicateNothing() {
    StreamingPipeline pipeline = apply("changed", spec -> {});
    String pod = DriverNames.of(pipeline).pod();
    try (SinkCounter sinks = new SinkCounter(pipeline, servers);
        EventProducer producer = produce("changed", 6000, "a-", 200)) {
      awaitReady("changed");
      String hash = annotation(pod);
      long firstPid = cluster.podRunner().process("default", pod).orElseThrow().pid();

      edit("changed", p -> p.getSpec().getJob().setBatchInterval("2s"));
      await().atMost(READY_WITHIN).until(() -> podIsRunningWithHashOtherThan(pod, hash));
      assertThat(cluster.podRunner().process("default", pod).orElseThrow().pid())
          .isNotEqualTo(firstPid);

      edit("changed", p -> p.getSpec().setSuspend(true));
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                assertThat(get("changed").getStatus().getPhase()).hasToString("Suspended");
                assertThat(client.pods().inNamespace("default").withName(pod).get()).isNull();
                assertThat(cluster.podRunner().process("default", pod)).isEmpty();
              });
      edit("changed", p -> p.getSpec().setSuspend(false));
      awaitReady("changed");
      await().atMost(Duration.ofSeconds(60)).until(producer::paused);
      awaitDrained("changed", sinks, 6000);
    } finally {
      delete("changed");
    }
  }

  @Test
  void
      deletionStopsTheDriverTheGarbageCollectorRemovesEveryChildAndTheDeletePolicyRemovesTheTopic() {
    StreamingPipeline pipeline =
        apply("deleted", spec -> spec.getSpec().setDeletionPolicy(DeletionPolicy.Delete));
    awaitReady("deleted");
    String uid = get("deleted").getMetadata().getUid();
    DriverNames names = DriverNames.of(pipeline);
    List<HasMetadata> children = new ArrayList<>();
    children.add(client.configMaps().inNamespace("default").withName(names.configMap()).get());
    children.add(client.services().inNamespace("default").withName(names.service()).get());
    children.add(
        client.serviceAccounts().inNamespace("default").withName(names.serviceAccount()).get());
    children.add(
        client.rbac().roleBindings().inNamespace("default").withName(names.roleBinding()).get());
    children.add(client.pods().inNamespace("default").withName(names.pod()).get());
    children.add(client.secrets().inNamespace("default").withName(names.sparkAuthSecret()).get());
    assertThat(children)
        .allSatisfy(
            child -> {
              assertThat(child).as("a driver object exists").isNotNull();
              assertThat(child.getMetadata().getOwnerReferences())
                  .as(child.getKind())
                  .singleElement()
                  .satisfies(ref -> assertOwnedBy(ref, uid));
            });
    assertThat(topics()).contains("deleted.events");

    delete("deleted");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(topics())
                  .as("deletionPolicy Delete removes the topic")
                  .doesNotContain("deleted.events");
              assertThat(cluster.podRunner().process("default", names.pod()))
                  .as("no driver JVM")
                  .isEmpty();
              // the control plane's garbage collector follows the owner references to every child
              assertThat(children)
                  .allSatisfy(
                      child ->
                          assertThat(client.resource(child).get())
                              .as(
                                  "%s %s after its owner is gone",
                                  child.getKind(), child.getMetadata().getName())
                              .isNull());
            });
  }

  // --- the story's vocabulary

  static StreamingPipeline apply(String name, Consumer<StreamingPipeline> change) {
    DemoManifest demo = DemoManifest.demo(client, servers);
    StreamingPipeline pipeline = demo.pipeline();
    pipeline.getMetadata().setName(name);
    pipeline.getSpec().getKafka().getTopics().get(0).setName(name + ".events");
    pipeline.getSpec().getSinks().getCassandra().setKeyspace(name);
    pipeline.getSpec().getSinks().getMongodb().setDatabase(name);
    change.accept(pipeline);
    return new DemoManifest(pipeline, demo.secrets()).apply(client);
  }

  static EventProducer produce(String name, long events, String idPrefix) {
    return produce(name, events, idPrefix, 1000);
  }

  static EventProducer produce(String name, long events, String idPrefix, int rate) {
    return new EventProducer(servers.bootstrapServers(), name + ".events", rate, events, idPrefix)
        .start();
  }

  static StreamingPipeline get(String name) {
    return client.resources(StreamingPipeline.class).inNamespace("default").withName(name).get();
  }

  /**
   * As {@code kubectl edit} does: read, change, write; on a 409 (the operator wrote the status)
   * read again.
   */
  static void edit(String name, Consumer<StreamingPipeline> change) {
    for (int attempt = 0; ; attempt++) {
      StreamingPipeline current = get(name);
      change.accept(current);
      try {
        client.resource(current).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  static void delete(String name) {
    client.resources(StreamingPipeline.class).inNamespace("default").withName(name).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(name) == null);
  }

  static void awaitReady(String name) {
    await()
        .atMost(READY_WITHIN)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              StreamingPipeline p = get(name);
              assertThat(p.getStatus()).isNotNull();
              assertThat(p.getStatus().getConditions())
                  .as("conditions of %s: %s", name, p.getStatus().getConditions())
                  .anySatisfy(c -> assertReady(c));
            });
  }

  static void assertReady(Condition c) {
    assertThat(c.getType()).isEqualTo("Ready");
    assertThat(c.getStatus()).isEqualTo("True");
  }

  /**
   * Exactly {@code events} rows in each sink (none lost, none duplicated) and, in the same status,
   * Ready=True and lag 0 evaluated OK over every partition of the pipeline's topics (not over a
   * subset the monitor has seen).
   */
  static void awaitDrained(String name, SinkCounter sinks, long events) {
    await()
        .atMost(DRAINED_WITHIN)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                PipelineScenario.assertDrained(
                    get(name),
                    sinks.cassandraRows().orElse(-1),
                    sinks.mongoDocuments().orElse(-1),
                    events));
  }

  static String annotation(String pod) {
    Pod p = client.pods().inNamespace("default").withName(pod).get();
    return p.getMetadata().getAnnotations().get(DriverContract.SPEC_HASH_ANNOTATION);
  }

  static boolean podIsRunningWithHashOtherThan(String pod, String hash) {
    Pod p = client.pods().inNamespace("default").withName(pod).get();
    return p != null
        && !hash.equals(p.getMetadata().getAnnotations().get(DriverContract.SPEC_HASH_ANNOTATION))
        && p.getStatus() != null
        && "Running".equals(p.getStatus().getPhase());
  }

  static void assertOwnedBy(OwnerReference ref, String uid) {
    assertThat(ref.getKind()).isEqualTo(StreamingPipeline.KIND);
    assertThat(ref.getUid()).isEqualTo(uid);
    assertThat(ref.getController()).isTrue();
  }

  static Set<String> topics() {
    return topics(servers);
  }

  static Set<String> topics(ServerAddresses servers) {
    try (Admin admin =
        Admin.create(
            java.util.Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.bootstrapServers()))) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
