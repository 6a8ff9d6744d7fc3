package dev.insight.streaming.local.stories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.local.cluster.Kubectl;
import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.demo.DemoManifest;
import dev.insight.streaming.local.demo.EventProducer;
import dev.insight.streaming.local.demo.ServerAddresses;
import dev.insight.streaming.local.demo.SinkCounter;
import dev.insight.streaming.local.pods.WorkDirs;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.CassandraCredentials;
import dev.insight.streaming.operator.api.spec.PodTemplateSpec;
import dev.insight.streaming.operator.api.spec.SecretRef;
import dev.insight.streaming.operator.driver.DriverNames;
import dev.insight.streaming.operator.rbac.AccessRule;
import dev.insight.streaming.operator.rbac.OperatorAccess;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark runs distributed on the local cluster: the driver runs Spark's own Kubernetes backend
 * against the real API server under the Role the operator renders, and asks it for executor pods,
 * which the node agent runs as the Spark image's executor entrypoint would. A pipeline with two
 * executors consumes through both, survives the SIGKILL of an executor JVM (Spark replaces the pod)
 * and of the driver JVM (the garbage collector removes its executors, the operator restarts it, new
 * executors come), and both sinks end with every record exactly once, stored offsets at the end
 * offsets. No credential appears in a pod's log, a JVM's command line, a pod spec, a ConfigMap or
 * the SparkConf the driver logs.
 */
class ExecutorPodsStoryTest {

  static final Duration READY_WITHIN = Duration.ofSeconds(180);

  /** A team's namespace where Pod Security admission enforces the restricted level. */
  static final String NS = "restricted-team";

  static LocalCluster cluster;
  static KubernetesClient client;
  static ServerAddresses servers;
  static Kubectl kubectl;
  static Path workDir;

  @BeforeAll
  static void start() {
    servers = LocalWorld.sharedServers();
    cluster = SharedCluster.get();
    workDir = SharedCluster.workDir();
    client = cluster.client();
    kubectl = Kubectl.of(cluster, WorkDirs.forTest(ExecutorPodsStoryTest.class));
    kubectl.ok("create", "namespace", NS);
    kubectl.ok(
        "label",
        "namespace",
        NS,
        "pod-security.kubernetes.io/enforce=restricted",
        "pod-security.kubernetes.io/enforce-version=latest");
    // the pool the pipeline's templates select
    kubectl.ok("label", "node", "local", "workload=streaming", "--overwrite");
  }

  /** The story deletes its pipeline when it passes; a failed one must not linger on the cluster. */
  @AfterAll
  static void deleteWhatIsLeft() {
    if (client != null) {
      client.resources(StreamingPipeline.class).inNamespace(NS).withName("spread").delete();
    }
  }

  @Test
  void twoExecutorPodsConsumeSurviveExecutorAndDriverSigkillAndLandEveryRecordExactlyOnce()
      throws Exception {
    String marker = UUID.randomUUID().toString();
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"pipeline\""
            + " password=\"jaas-"
            + marker
            + "\";";
    String cassandraPassword = "password-" + marker;
    DemoManifest demo = DemoManifest.demo(client, servers);
    StreamingPipeline spec = demo.pipeline();
    spec.getMetadata().setName("spread");
    spec.getSpec().getKafka().getTopics().get(0).setName("spread.events");
    spec.getSpec().getSinks().getCassandra().setKeyspace("spread");
    spec.getSpec().getSinks().getMongodb().setDatabase("spread");
    spec.getMetadata().setNamespace(NS);
    spec.getSpec().getJob().getExecutor().setInstances(2);
    // what a real cluster asks of both pods: a private registry, a node pool with a taint, a
    // truststore from a Secret, an annotation for a scraper
    spec.getSpec().getJob().getDriver().setPodTemplate(template("spark-kubernetes-driver"));
    spec.getSpec().getJob().getExecutor().setPodTemplate(template("spark-kubernetes-executor"));
    // Spark's event log records the driver's whole SparkConf (and its system properties), where
    // the search below looks for credentials; "scratch" is the pod's scratch folder, relative to
    // the driver's working directory
    spec.getSpec()
        .getJob()
        .setSparkConf(Map.of("spark.eventLog.enabled", "true", "spark.eventLog.dir", "scratch"));
    SecretRef kafkaSecret = new SecretRef();
    kafkaSecret.setName("spread-kafka");
    spec.getSpec().getKafka().setClientSecret(kafkaSecret);
    CassandraCredentials cassandraSecret = new CassandraCredentials();
    cassandraSecret.setName("spread-cassandra");
    spec.getSpec().getSinks().getCassandra().setCredentialsSecret(cassandraSecret);
    List<Secret> secrets = new ArrayList<>();
    for (Secret demoSecret : demo.secrets()) {
      demoSecret.getMetadata().setNamespace(NS);
      secrets.add(demoSecret);
    }
    secrets.add(secret("spread-truststore", Map.of("ca.pem", "a CA certificate")));
    // the local Kafka listener is PLAINTEXT and the Cassandra node authenticates nobody: these
    // values are carried to every client that would use them, and must show up nowhere else
    secrets.add(secret("spread-kafka", Map.of("sasl.jaas.config", jaas)));
    secrets.add(
        secret(
            "spread-cassandra",
            Map.of("username", "user-" + marker, "password", cassandraPassword)));
    StreamingPipeline pipeline = new DemoManifest(spec, secrets).apply(client);
    DriverNames names = DriverNames.of(pipeline);

    try (SinkCounter sinks = new SinkCounter(pipeline, servers)) {
      // two executor pods, Running, listed by kubectl beside the driver
      try (EventProducer first = produce(2000, "a-", 1000)) {
        awaitReady();
        List<Pod> executors = awaitRunningExecutors(names, 2, Optional.empty());
        String listed = kubectl.ok("get", "pods", "-n", NS, "-o", "wide");
        assertThat(listed.lines())
            .as("kubectl get pods:\n%s", listed)
            .anySatisfy(l -> assertThat(l).contains(names.pod()).contains("Running"))
            .filteredOn(
                l -> l.startsWith("spread-") && l.contains("-exec-") && l.contains("Running"))
            .hasSize(2);
        for (Pod executor : executors) {
          assertThat(cluster.podRunner().process(NS, executor.getMetadata().getName()))
              .as("a JVM runs executor pod %s", executor.getMetadata().getName())
              .isPresent();
        }
        // admitted by Pod Security's restricted level, and carrying their templates
        Pod driverPod = client.pods().inNamespace(NS).withName(names.pod()).get();
        assertTemplated(driverPod, "spark-kubernetes-driver");
        String app = driverPod.getMetadata().getLabels().get("spark-app-selector");
        assertThat(driverPod.getMetadata().getLabels()).containsEntry("spark-role", "driver");
        for (Pod executor : executors) {
          assertTemplated(executor, "spark-kubernetes-executor");
          assertThat(executor.getMetadata().getLabels())
              .as("Spark's labels tie the executors to this run's driver")
              .containsEntry("spark-app-selector", app)
              .containsEntry("spark-role", "executor");
          assertThat(executor.getMetadata().getName())
              .as("this run's executor name prefix")
              .startsWith("spread-" + app.substring("spark-".length()) + "-exec-");
        }
        awaitDrained(sinks, 2000);
      }
      assertThat(taskLogLines())
          .as("both executors ran tasks")
          .allSatisfy((pod, tasks) -> assertThat(tasks).isPositive())
          .hasSize(2);

      // an executor JVM killed mid-stream: Spark sees its pod fail, asks for a new one, retries
      Pod victim = runningExecutors(names).get(0);
      String victimName = victim.getMetadata().getName();
      try (EventProducer second = produce(3000, "b-", 500)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> second.sent() > 500);
        cluster.podRunner().process(NS, victimName).orElseThrow().destroyForcibly();
        awaitRunningExecutors(names, 2, Optional.of(victimName));
        awaitDrained(sinks, 5000);
      }
      assertThat(driverLog(names))
          .as("the driver saw executor pod %s go", victimName)
          .containsPattern("(Lost|Removed|removed) executor");

      // the driver JVM killed: the garbage collector removes its executors, the operator starts a
      // new driver, and it asks for new executors
      Pod oldDriver = client.pods().inNamespace(NS).withName(names.pod()).get();
      String oldDriverUid = oldDriver.getMetadata().getUid();
      cluster.podRunner().process(NS, names.pod()).orElseThrow().destroyForcibly();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                var driver = get().getStatus().getDriver();
                assertThat(driver.getLastFailure()).as("the operator saw the pod fail").isNotNull();
                assertThat(driver.getLastFailure().getMessage())
                    .as("the Failed pod's exit code")
                    .contains("exit code 137");
              });
      await()
          .atMost(READY_WITHIN)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(executorPods(names))
                      .as("no executor of the killed driver is left")
                      .noneMatch(p -> ownedBy(p, oldDriverUid)));
      try (EventProducer third = produce(1000, "c-", 1000)) {
        List<Pod> fresh = awaitRunningExecutors(names, 2, Optional.empty());
        assertThat(fresh).allMatch(p -> !ownedBy(p, oldDriverUid));
        String oldApp = oldDriver.getMetadata().getLabels().get("spark-app-selector");
        assertThat(fresh)
            .as("the new driver's executors: its own run, its own names")
            .allSatisfy(
                p -> {
                  assertThat(p.getMetadata().getLabels().get("spark-app-selector"))
                      .isNotEqualTo(oldApp);
                  assertThat(p.getMetadata().getName())
                      .doesNotStartWith("spread-" + oldApp.substring("spark-".length()));
                });
        awaitDrained(sinks, 6000);
      }
      assertThat(get().getStatus().getDriver().getRestarts()).isGreaterThanOrEqualTo(1);
    }

    // the driver ran under exactly the driver ClusterRole, bound in its namespace, and met no
    // refusal
    RoleBinding binding =
        client.rbac().roleBindings().inNamespace(NS).withName(names.roleBinding()).get();
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(cluster.driverClusterRole());
    ClusterRole role = client.rbac().clusterRoles().withName(cluster.driverClusterRole()).get();
    assertThat(role.getRules()).isEqualTo(AccessRule.toPolicyRules(OperatorAccess.driverRole()));
    List<Path> logs = podLogs();
    assertThat(logs).hasSizeGreaterThanOrEqualTo(6);
    // no 403, and no executor pod name taken twice (409), in any log of the shared cluster
    PodLogs.assertNoRefusal(workDir);
    // the namespace's admission is real: a pod the restricted level refuses is refused
    assertThatThrownBy(
            () ->
                client
                    .pods()
                    .inNamespace(NS)
                    .resource(
                        new PodBuilder()
                            .withNewMetadata()
                            .withName("privileged")
                            .endMetadata()
                            .withNewSpec()
                            .addNewContainer()
                            .withName("c")
                            .withImage("busybox:1")
                            .withNewSecurityContext()
                            .withPrivileged(true)
                            .endSecurityContext()
                            .endContainer()
                            .endSpec()
                            .build())
                    .create())
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"");
    List<String> sparkConfs = environmentUpdates(names);
    assertThat(sparkConfs)
        .as("each driver's SparkConf, from its event log")
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(conf -> assertThat(conf).contains("\"spark.authenticate\":\"true\""));

    // no credential anywhere it could leak
    List<String> credentials =
        List.of(jaas, "jaas-" + marker, cassandraPassword, servers.mongoUri());
    for (Path log : logs) {
      assertThat(Files.readString(log)).as("log %s", log).doesNotContain(credentials);
    }
    for (String conf : sparkConfs) {
      assertThat(conf)
          .as("a driver's SparkConf")
          .doesNotContain(credentials)
          .doesNotContain(marker);
    }
    for (ProcessHandle jvm : cluster.podRunner().processes()) {
      // the cluster is shared: other stories' JVMs carry none of these values either
      assertThat(commandLine(jvm))
          .as("command line of pid %s", jvm.pid())
          .doesNotContain(credentials);
    }
    String podSpecs =
        client.getKubernetesSerialization().asJson(client.pods().inNamespace(NS).list());
    assertThat(podSpecs).as("pod specs").doesNotContain(credentials).doesNotContain(marker);
    String configMaps =
        client.getKubernetesSerialization().asJson(client.configMaps().inNamespace(NS).list());
    assertThat(configMaps).as("config maps").doesNotContain(credentials).doesNotContain(marker);

    // executor.instances follows the job's rule: a new driver, which asks for one executor
    String before =
        client.pods().inNamespace(NS).withName(names.pod()).get().getMetadata().getUid();
    client
        .resources(StreamingPipeline.class)
        .inNamespace(NS)
        .withName("spread")
        .edit(
            p -> {
              p.getSpec().getJob().getExecutor().setInstances(1);
              return p;
            });
    await()
        .atMost(READY_WITHIN)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Pod driver = client.pods().inNamespace(NS).withName(names.pod()).get();
              assertThat(driver).isNotNull();
              assertThat(driver.getMetadata().getUid()).as("a new driver").isNotEqualTo(before);
              assertThat(runningExecutors(names))
                  .singleElement()
                  .satisfies(p -> assertThat(ownedBy(p, driver.getMetadata().getUid())).isTrue());
            });

    client.resource(pipeline).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> get() == null);
  }

  // --- the story's vocabulary

  static PodTemplateSpec template(String mainContainer) {
    return Serialization.unmarshal(
        String.join(
            "\n",
            "metadata:",
            "  labels: {team: payments}",
            "  annotations: {metrics.example.com/scrape: 'false'}",
            "spec:",
            "  imagePullSecrets: [{name: registry-credentials}]",
            "  nodeSelector: {workload: streaming}",
            "  tolerations: [{key: dedicated, operator: Equal, value: streaming,"
                + " effect: NoSchedule}]",
            "  volumes: [{name: truststore, secret: {secretName: spread-truststore}}]",
            "  containers:",
            "  - name: " + mainContainer,
            "    env: [{name: TRUSTSTORE, value: /etc/truststore/ca.pem}]",
            "    volumeMounts: [{name: truststore, mountPath: /etc/truststore, readOnly: true}]"),
        PodTemplateSpec.class);
  }

  /** The pod, read back from the API server, carries everything its template asked for. */
  static void assertTemplated(Pod pod, String mainContainer) {
    String name = pod.getMetadata().getName();
    assertThat(pod.getMetadata().getAnnotations())
        .as("annotations of %s", name)
        .containsEntry("metrics.example.com/scrape", "false");
    assertThat(pod.getMetadata().getLabels())
        .as("labels of %s", name)
        .containsEntry("team", "payments");
    assertThat(pod.getSpec().getImagePullSecrets())
        .as("image pull secrets of %s", name)
        .extracting(r -> r.getName())
        .contains("registry-credentials");
    assertThat(pod.getSpec().getNodeSelector())
        .as("node selector of %s", name)
        .containsEntry("workload", "streaming");
    assertThat(pod.getSpec().getTolerations())
        .as("tolerations of %s", name)
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
    assertThat(pod.getSpec().getVolumes())
        .as("volumes of %s", name)
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("truststore");
              assertThat(v.getSecret().getSecretName()).isEqualTo("spread-truststore");
            });
    var main =
        pod.getSpec().getContainers().stream()
            .filter(c -> c.getName().equals(mainContainer))
            .findFirst()
            .orElseThrow();
    assertThat(main.getVolumeMounts())
        .as("mounts of %s", name)
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/truststore"));
    assertThat(main.getEnv())
        .as("variables of %s", name)
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("TRUSTSTORE"));
  }

  static EventProducer produce(long events, String prefix, int rate) {
    return new EventProducer(servers.bootstrapServers(), "spread.events", rate, events, prefix)
        .start();
  }

  static Secret secret(String name, Map<String, String> values) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withStringData(values)
        .build();
  }

  static List<Pod> executorPods(DriverNames names) {
    return client
        .pods()
        .inNamespace(NS)
        .withLabel(DriverNames.PIPELINE_LABEL, names.pipeline())
        .withLabel(DriverNames.COMPONENT_LABEL, DriverNames.EXECUTOR)
        .list()
        .getItems();
  }

  static List<Pod> runningExecutors(DriverNames names) {
    return executorPods(names).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
        .toList();
  }

  /** Waits for {@code count} Running executor pods, none of them named {@code without}. */
  static List<Pod> awaitRunningExecutors(DriverNames names, int count, Optional<String> without) {
    return await()
        .atMost(READY_WITHIN)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> runningExecutors(names),
            pods ->
                pods.size() == count
                    && pods.stream()
                        .noneMatch(p -> without.equals(Optional.of(p.getMetadata().getName()))));
  }

  static boolean ownedBy(Pod pod, String ownerUid) {
    return pod.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> ownerUid.equals(o.getUid()));
  }

  /** Every log the node agent kept of this pipeline: each driver's and each executor's. */
  static List<Path> podLogs() {
    return PodLogs.under(workDir).stream()
        .filter(f -> f.getParent().getFileName().toString().startsWith(NS + "_spread-"))
        .toList();
  }

  static String driverLog(DriverNames names) throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path log : podLogs()) {
      if (log.getParent().getFileName().toString().startsWith(NS + "_" + names.pod() + "_")) {
        all.append(Files.readString(log));
      }
    }
    return all.toString();
  }

  /** The environment each driver recorded in its event log: SparkConf and system properties. */
  static List<String> environmentUpdates(DriverNames names) throws IOException {
    List<String> updates = new ArrayList<>();
    try (Stream<Path> files = Files.walk(workDir.resolve("pods"))) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.getParent().getFileName().toString().equals("scratch"))
              // an event log is named after the application id: spark-<the run id>
              .filter(f -> f.getFileName().toString().matches("spark-[a-z0-9]{8}(\\.inprogress)?"))
              .filter(
                  f ->
                      f.getParent()
                          .getParent()
                          .getFileName()
                          .toString()
                          .startsWith(NS + "_" + names.pod() + "_"))
              .toList()) {
        read(file)
            .lines()
            .filter(l -> l.contains("SparkListenerEnvironmentUpdate"))
            .forEach(updates::add);
      }
    }
    return updates;
  }

  /** Per executor pod log: whether its JVM wrote a partition (1) or not (0). */
  static Map<String, Long> taskLogLines() throws IOException {
    return podLogs().stream()
        .filter(l -> l.getFileName().toString().startsWith("spark-kubernetes-executor"))
        .collect(
            Collectors.toMap(
                l -> l.getParent().getFileName().toString(),
                l ->
                    read(l)
                        .lines()
                        .filter(line -> line.contains("wrote its first partition"))
                        .count()));
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String commandLine(ProcessHandle jvm) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(jvm.pid()), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return ""; // the JVM ended meanwhile
    }
  }

  static StreamingPipeline get() {
    return client.resources(StreamingPipeline.class).inNamespace(NS).withName("spread").get();
  }

  static void awaitReady() {
    await()
        .atMost(READY_WITHIN)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              StreamingPipeline p = get();
              assertThat(p.getStatus()).isNotNull();
              assertThat(p.getStatus().getConditions())
                  .as("conditions: %s", p.getStatus().getConditions())
                  .anySatisfy(c -> PipelineStoriesTest.assertReady(c));
            });
  }

  static void awaitDrained(SinkCounter sinks, long records) {
    await()
        .atMost(READY_WITHIN)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                PipelineScenario.assertDrained(
                    get(),
                    sinks.cassandraRows().orElse(-1),
                    sinks.mongoDocuments().orElse(-1),
                    records));
  }
}
