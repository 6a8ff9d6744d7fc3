package dev.insight.streaming.local.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.demo.DemoManifest;
import dev.insight.streaming.local.demo.EventProducer;
import dev.insight.streaming.local.demo.ServerAddresses;
import dev.insight.streaming.local.demo.SinkCounter;
import dev.insight.streaming.local.stories.PodLogs;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.changes.SpecChangeRules;
import dev.insight.streaming.operator.driver.DriverNames;
import dev.insight.streaming.operator.driver.DriverObjects;
import dev.insight.streaming.operator.driver.DriverPodFactory;
import dev.insight.streaming.operator.driver.DriverRun;
import dev.insight.streaming.operator.driver.SecretEnv;
import dev.insight.streaming.operator.driver.SparkJavaOptions;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node agent alone, doing the kubelet's part for a driver pod built by the operator's own
 * factories (no operator running): the scheduler binds it, the pod runs the real job, which writes
 * every event to both sinks; SIGKILL turns the pod Failed with exit code 137; a new pod of the same
 * name starts the job again; deleting it keeps the pod (deletionTimestamp set) until the JVM has
 * stopped gracefully within its grace period, and then the agent removes it.
 */
@ExtendWith(SharedServersExtension.class)
class DriverPodStoryTest {

  static LocalCluster cluster;
  static Path workDir;

  @BeforeAll
  static void start() {
    workDir = WorkDirs.forTest(DriverPodStoryTest.class);
    cluster = LocalCluster.start(LocalCluster.Options.defaults(workDir).withoutOperator());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aDriverPodRunsTheJobSurvivesSigkillByReplacementAndStopsGracefullyOnDeletion(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    KubernetesClient client = cluster.client();
    ServerAddresses servers =
        new ServerAddresses(
            kafka.bootstrapServers(),
            cassandra.contactPoint(),
            cassandra.localDatacenter(),
            mongo.connectionString());
    DemoManifest manifest = DemoManifest.demo(client, servers);
    StreamingPipeline spec = manifest.pipeline();
    spec.getMetadata().setName("runner");
    spec.getSpec().getKafka().getTopics().get(0).setName("runner.events");
    spec.getSpec().getSinks().getCassandra().setKeyspace("runner");
    spec.getSpec().getSinks().getMongodb().setDatabase("runner");
    kafka.createTopic("runner.events", 2);
    new DemoManifest(spec, manifest.secrets()).apply(client);
    StreamingPipeline pipeline =
        client.resources(StreamingPipeline.class).inNamespace("default").withName("runner").get();

    DriverNames names = DriverNames.of(pipeline);
    SecretEnv secrets = SecretEnv.of(pipeline.getSpec(), List.of());
    client
        .resource(DriverObjects.configMap(pipeline, names, secrets, SparkJavaOptions.flags()))
        .create();
    client.resource(DriverObjects.serviceAccount(pipeline, names)).create();
    client
        .resource(DriverObjects.roleBinding(pipeline, names, cluster.driverClusterRole()))
        .create();
    client.resource(DriverObjects.sparkAuthSecret(pipeline, names)).create();
    Pod pod =
        DriverPodFactory.pod(
            pipeline,
            names,
            secrets,
            SpecChangeRules.driverHash(pipeline.getSpec()),
            "",
            DriverRun.next());

    try (EventProducer producer =
            new EventProducer(kafka.bootstrapServers(), "runner.events", 1000, 2000, "a-").start();
        SinkCounter sinks = new SinkCounter(pipeline, servers)) {
      client.resource(pod).create();
      awaitPhase(client, names.pod(), "Running", Duration.ofSeconds(30));
      Path log = cluster.podRunner().logFile("default", names.pod()).orElseThrow();
      awaitCounts(sinks, 2000, log);
      assertThat(Files.readString(log)).doesNotContain(mongo.connectionString());

      // SIGKILL: the kubelet reports the container's death; restartPolicy Never leaves the pod
      // Failed
      ProcessHandle jvm = cluster.podRunner().process("default", names.pod()).orElseThrow();
      jvm.destroyForcibly();
      Pod failed = awaitPhase(client, names.pod(), "Failed", Duration.ofSeconds(20));
      ContainerStateTerminated terminated =
          failed.getStatus().getContainerStatuses().get(0).getState().getTerminated();
      assertThat(terminated.getExitCode()).isEqualTo(137);
      assertThat(terminated.getReason()).isEqualTo("Error");

      // what the operator does next: a new pod of the same name (that it resumes every record
      // exactly once is ExecutorPodsStoryTest's, with the operator and executors)
      client.pods().inNamespace("default").withName(names.pod()).delete();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.pods().inNamespace("default").withName(names.pod()).get() == null);
      client.resource(pod).create();
      awaitPhase(client, names.pod(), "Running", Duration.ofSeconds(30));
      Path secondLog = cluster.podRunner().logFile("default", names.pod()).orElseThrow();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(secondLog).contains("started: topics [runner.events]"));

      // deletion: the API server keeps the pod, marked, while the JVM stops (SIGTERM, offsets
      // stored, exit 0)
      ProcessHandle second = cluster.podRunner().process("default", names.pod()).orElseThrow();
      client.pods().inNamespace("default").withName(names.pod()).delete();
      Pod terminating = client.pods().inNamespace("default").withName(names.pod()).get();
      assertThat(terminating).as("a bound pod waits for its node to stop it").isNotNull();
      assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
      assertThat(second.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS).isAlive())
          .isFalse();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.pods().inNamespace("default").withName(names.pod()).get() == null);
      await().atMost(Duration.ofSeconds(5)).until(() -> cluster.podRunner().processes().isEmpty());
      assertThat(
              Files.readString(cluster.podRunner().logFile("default", names.pod()).orElseThrow()))
          .contains("stopped gracefully");
      PodLogs.assertNoRefusal(workDir);
    }
  }

  static Pod awaitPhase(KubernetesClient client, String name, String phase, Duration within) {
    return await()
        .atMost(within)
        .until(
            () -> client.pods().inNamespace("default").withName(name).get(),
            p -> p != null && p.getStatus() != null && phase.equals(p.getStatus().getPhase()));
  }

  static void awaitCounts(SinkCounter sinks, long expected, Path log) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(sinks.cassandraRows().orElse(-1))
                  .as("Cassandra rows; driver log %s", log)
                  .isEqualTo(expected);
              assertThat(sinks.mongoDocuments().orElse(-1))
                  .as("MongoDB documents; driver log %s", log)
                  .isEqualTo(expected);
            });
  }
}
