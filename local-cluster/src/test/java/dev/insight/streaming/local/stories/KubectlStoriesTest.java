package dev.insight.streaming.local.stories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.local.cluster.Kubectl;
import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.demo.DemoManifest;
import dev.insight.streaming.local.demo.EventProducer;
import dev.insight.streaming.local.demo.ServerAddresses;
import dev.insight.streaming.local.demo.SinkCounter;
import dev.insight.streaming.local.pods.WorkDirs;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.driver.DriverNames;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The demo's cluster as a user drives it: the kubectl binary built with the control plane, {@code
 * KUBECONFIG} set to the kubeconfig the cluster writes, commands as typed in the README. The last
 * story runs the demo pipeline from {@code kubectl apply} to {@code kubectl delete} on real Kafka,
 * Cassandra and MongoDB-wire servers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlStoriesTest {

  static final Path EXAMPLE =
      Path.of(System.getProperty("user.dir")).resolve("../examples/demo-pipeline.yaml").normalize();
  static final String SP = "streamingpipeline.streaming.insight.dev/demo";

  static Path work;
  static LocalCluster cluster;
  static Kubectl kubectl;
  static ServerAddresses servers;

  @BeforeAll
  static void start() {
    servers = LocalWorld.sharedServers();
    work = WorkDirs.forTest(KubectlStoriesTest.class);
    cluster = LocalCluster.start(LocalCluster.Options.defaults(work.resolve("cluster")));
    kubectl = Kubectl.of(cluster, work);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void applyOfTheExampleCreatesThenUpdatesAndAnUnchangedFileChangesNothing() throws IOException {
    assertThat(EXAMPLE).isRegularFile();
    Path changed =
        Files.writeString(
            work.resolve("changed.yaml"),
            Files.readString(EXAMPLE).replace("batchInterval: 1s", "batchInterval: 2s"));
    kubectl.ok("create", "namespace", "client-side");
    kubectl.ok("create", "namespace", "server-side");

    assertThat(kubectl.ok("apply", "-n", "client-side", "-f", EXAMPLE.toString()))
        .contains("secret/demo-mongodb created", SP + " created");
    assertThat(kubectl.ok("apply", "-n", "client-side", "-f", EXAMPLE.toString()))
        .contains("secret/demo-mongodb unchanged", SP + " unchanged");
    assertThat(kubectl.ok("apply", "-n", "client-side", "-f", changed.toString()))
        .contains("secret/demo-mongodb unchanged", SP + " configured");
    assertThat(
            kubectl.ok(
                "get",
                "sp",
                "demo",
                "-n",
                "client-side",
                "-o",
                "jsonpath={.spec.job.batchInterval}"))
        .isEqualTo("2s");

    assertThat(kubectl.ok("apply", "--server-side", "-n", "server-side", "-f", EXAMPLE.toString()))
        .contains(SP + " serverside-applied");
    assertThat(
            kubectl.ok(
                "get",
                "sp",
                "demo",
                "-n",
                "server-side",
                "-o",
                "jsonpath={.spec.job.batchInterval}"))
        .isEqualTo("1s");
    assertThat(kubectl.ok("apply", "--server-side", "-n", "server-side", "-f", changed.toString()))
        .contains(SP + " serverside-applied");
    assertThat(
            kubectl.ok(
                "get",
                "sp",
                "demo",
                "-n",
                "server-side",
                "-o",
                "jsonpath={.spec.job.batchInterval}"))
        .isEqualTo("2s");
    assertThat(
            kubectl.ok(
                "get",
                "sp",
                "demo",
                "-n",
                "server-side",
                "-o",
                "jsonpath={.metadata.managedFields[*].manager}"))
        .contains("kubectl");

    // these two point at localhost:9092, where no broker runs: remove them as a user would
    for (String namespace : List.of("client-side", "server-side")) {
      assertThat(
              kubectl
                  .run(120, "delete", "-n", namespace, "-f", EXAMPLE.toString())
                  .expectSuccess()
                  .out())
          .contains("\"demo\" deleted");
    }
  }

  @Test
  @Order(2)
  void explainPrintsTheFieldDescriptionsOfTheCrd() {
    String topics = kubectl.ok("explain", "sp.spec.kafka.topics");
    assertThat(topics)
        .contains(
            "KIND:",
            "StreamingPipeline",
            "FIELD: topics",
            "Input topics. The operator creates missing ones",
            "partitions",
            "name");
    assertThat(kubectl.ok("explain", "streamingpipelines.spec.sinks.mongodb.uriSecret"))
        .contains("uriSecret", "key");
    // the pod templates, pruned from the Pod API, explained like the rest
    assertThat(kubectl.ok("explain", "sp.spec.job.executor.podTemplate.spec"))
        .contains(
            "imagePullSecrets",
            "nodeSelector",
            "tolerations",
            "affinity",
            "priorityClassName",
            "volumes",
            "initContainers",
            "containers");
    assertThat(kubectl.ok("explain", "sp.spec.job.driver.podTemplate.spec.tolerations"))
        .contains("Taints the pods tolerate", "effect", "operator");
  }

  @Test
  @Order(3)
  void anInvalidManifestIsRefusedWithTheCrdsMessageAndNothingIsCreated() throws IOException {
    Path invalid =
        Files.writeString(
            work.resolve("invalid.yaml"),
            Files.readString(EXAMPLE)
                .replace("name: demo\n", "name: broken\n")
                .replace("partitions: 4", "partitions: 0"));
    Kubectl.Result refused = kubectl.run(60, "apply", "-f", invalid.toString());
    assertThat(refused.exitCode()).as("kubectl apply of an invalid manifest").isNotZero();
    assertThat(refused.err())
        .contains(
            "The StreamingPipeline \"broken\" is invalid",
            "spec.kafka.topics[0].partitions",
            "should be greater than or equal to 1");
    assertThat(kubectl.ok("get", "sp", "-o", "name")).doesNotContain("broken");
    assertThat(kubectl.run(30, "get", "sp", "broken").err()).contains("NotFound");
  }

  @Test
  @Order(4)
  void theDemoPipelineRunsFromKubectlApplyToKubectlDelete() throws Exception {
    KubernetesClient client = cluster.client();
    DemoManifest manifest = DemoManifest.demo(client, servers);
    Path file = manifest.write(work.resolve("demo-pipeline.yaml"));
    StreamingPipeline pipeline = manifest.pipeline();
    DriverNames names = DriverNames.of(pipeline);
    Path watchOut = work.resolve("watch.txt");
    Path followOut = work.resolve("logs-follow.txt");
    Process watch = null;
    Process follow = null;
    try (SinkCounter sinks = new SinkCounter(pipeline, servers)) {
      assertThat(kubectl.ok("apply", "-f", file.toString())).contains(SP + " created");
      watch = kubectl.start(watchOut, "get", "sp", "-w");
      try (EventProducer first =
          new EventProducer(servers.bootstrapServers(), "demo.events", 500, 2000, "k-").start()) {
        Kubectl.Result ready =
            kubectl.run(150, "wait", "--for=condition=Ready", "sp/demo", "--timeout=120s");
        assertThat(ready.exitCode()).as("kubectl wait: %s%s", ready.out(), ready.err()).isZero();
        assertThat(ready.out()).contains(SP + " condition met");
        awaitRows(sinks, 2000);
      }

      long lagSeen = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                List<String> lines = kubectl.ok("get", "sp").lines().toList();
                assertThat(lines.get(0).split("\\s+"))
                    .containsExactly("NAME", "PHASE", "READY", "LAG", "BEHIND", "DRIVER", "AGE");
                assertThat(lines.get(1).split("\\s+"))
                    .as("kubectl get sp: %s", lines.get(1))
                    .hasSize(7)
                    .satisfies(
                        row -> {
                          assertThat(row[0]).isEqualTo("demo");
                          assertThat(row[1]).isEqualTo("Running");
                          assertThat(row[2]).isEqualTo("True");
                          assertThat(row[3]).as("Lag").matches("\\d+");
                          assertThat(row[4]).as("Behind").matches("\\d+");
                          assertThat(row[5]).as("Driver").isEqualTo("Running");
                        });
              });
      System.out.printf(
          "lag columns filled %d ms after the sinks held every row%n",
          (System.nanoTime() - lagSeen) / 1_000_000);

      // kubectl logs through the API server's proxy to the node agent's kubelet endpoint
      String log = kubectl.ok("logs", names.pod());
      assertThat(log).as("the driver's log").contains("started: topics [demo.events]");
      assertThat(kubectl.ok("logs", names.pod(), "--tail=3").lines().count()).isEqualTo(3);
      follow = kubectl.start(followOut, "logs", "-f", names.pod());
      long before = Files.size(cluster.podRunner().logFile("default", names.pod()).orElseThrow());

      // more events: the lag rises and falls, so the watch prints new rows, and the followed log
      // grows
      try (EventProducer second =
          new EventProducer(servers.bootstrapServers(), "demo.events", 1000, 3000, "m-").start()) {
        awaitRows(sinks, 5000);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Set<String> lagValues =
                    Kubectl.read(watchOut)
                        .lines()
                        .map(l -> l.split("\\s+"))
                        .filter(row -> row.length == 7 && row[0].equals("demo"))
                        .map(row -> row[3])
                        .collect(Collectors.toSet());
                assertThat(lagValues)
                    .as("LAG values in kubectl get sp -w:\n%s", Kubectl.read(watchOut))
                    .hasSizeGreaterThan(1);
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(Kubectl.read(followOut).length())
                      .as("kubectl logs -f keeps printing")
                      .isGreaterThan((int) before));
      assertThat(follow.isAlive()).as("kubectl logs -f follows while the driver runs").isTrue();

      String describe = kubectl.ok("describe", "sp", "demo");
      String events = describe.substring(describe.indexOf("Events:"));
      assertThat(events)
          .as("events in kubectl describe")
          .doesNotContain("<none>")
          .contains("Normal");

      Kubectl.Result deleted = kubectl.run(120, "delete", "sp", "demo");
      assertThat(deleted.exitCode()).as("kubectl delete: %s", deleted.err()).isZero();
      assertThat(deleted.out()).contains("\"demo\" deleted");
      assertThat(client.pods().inNamespace("default").withName(names.pod()).get())
          .as("the driver pod is gone when kubectl delete returns")
          .isNull();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(
                        client
                            .configMaps()
                            .inNamespace("default")
                            .withName(names.configMap())
                            .get())
                    .isNull();
                assertThat(client.services().inNamespace("default").withName(names.service()).get())
                    .isNull();
                assertThat(
                        client
                            .serviceAccounts()
                            .inNamespace("default")
                            .withName(names.serviceAccount())
                            .get())
                    .isNull();
                assertThat(
                        client
                            .rbac()
                            .roleBindings()
                            .inNamespace("default")
                            .withName(names.roleBinding())
                            .get())
                    .isNull();
              });
      assertThat(PipelineStoriesTest.topics(servers))
          .as("deletionPolicy Retain keeps the topic")
          .contains("demo.events");
      Process followed = follow;
      await().atMost(Duration.ofSeconds(30)).until(() -> !followed.isAlive());
      assertThat(cluster.podRunner().processes()).as("no driver JVM left").isEmpty();
      PodLogs.assertNoRefusal(work.resolve("cluster"));
    } finally {
      for (Process p : Arrays.asList(watch, follow)) {
        if (p != null) {
          p.destroyForcibly().waitFor();
        }
      }
    }
  }

  static void awaitRows(SinkCounter sinks, long expected) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(sinks.cassandraRows().orElse(-1)).as("Cassandra rows").isEqualTo(expected);
              assertThat(sinks.mongoDocuments().orElse(-1))
                  .as("MongoDB documents")
                  .isEqualTo(expected);
            });
  }
}
