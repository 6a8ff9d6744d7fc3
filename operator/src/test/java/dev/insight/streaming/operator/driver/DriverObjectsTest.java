package dev.insight.streaming.operator.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.ExecutorResources;
import dev.insight.streaming.operator.api.spec.PodTemplateSpec;
import dev.insight.streaming.operator.changes.SpecChangeRules;
import dev.insight.streaming.operator.rbac.AccessRule;
import dev.insight.streaming.operator.rbac.OperatorAccess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The driver's objects as rendered for the full example's pipeline, field by field. */
class DriverObjectsTest {

  static final DriverRun RUN = new DriverRun("run00001");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String SASL =
      "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"clickstream\" password=\"change-me\";";

  private final StreamingPipeline pipeline = pipeline();
  private final DriverNames names = DriverNames.of(pipeline);
  private final SecretEnv secrets = SecretEnv.of(pipeline.getSpec(), List.of("sasl.jaas.config"));
  private final String flags = SparkJavaOptions.flags();

  private static StreamingPipeline pipeline() {
    StreamingPipeline p =
        SERIALIZATION.unmarshal(
            """
        apiVersion: streaming.insight.dev/v1alpha1
        kind: StreamingPipeline
        metadata: {name: clickstream, namespace: analytics, uid: 7d1c4a52-0000-4000-8000-000000000001}
        spec:
          kafka:
            bootstrapServers: kafka-0.kafka:9092,kafka-1.kafka:9092
            consumerGroup: analytics.clickstream
            topics: [{name: web.clicks, partitions: 6}, {name: mobile.clicks, partitions: 3}]
            clientConfig: {security.protocol: SASL_PLAINTEXT, sasl.mechanism: SCRAM-SHA-512}
            clientSecret: {name: clickstream-kafka}
          job:
            image: streaming-pipeline-job:0.1.0
            batchInterval: 40s
            maxRatePerPartition: 5000
            driver: {cores: 2, memory: 2g}
            executor: {instances: 3, cores: 2, memory: 4g}
            sparkConf: {spark.sql.shuffle.partitions: "8"}
          transform:
            keyFields: [eventId]
            fields: [{name: eventId, source: id}, {name: durationMs, source: duration, type: long}]
          sinks:
            cassandra:
              contactPoints: [cassandra-0.cassandra]
              localDatacenter: dc1
              keyspace: analytics
              table: clicks
              credentialsSecret: {name: clickstream-cassandra}
            mongodb:
              uriSecret: {name: clickstream-mongodb, key: connection-string}
              database: analytics
              collection: clicks
        """,
            StreamingPipeline.class);
    return p;
  }

  @Test
  void theContainerIsSizedWithTheOverheadSetInSparkConf() {
    assertThat(DriverPodFactory.containerMemoryMib("2g", Map.of())).isEqualTo(2048 + 384);
    assertThat(DriverPodFactory.containerMemoryMib("8g", null)).isEqualTo(8192 + 820);
    assertThat(
            DriverPodFactory.containerMemoryMib("2g", Map.of("spark.driver.memoryOverhead", "1g")))
        .isEqualTo(3072);
    assertThat(
            DriverPodFactory.containerMemoryMib("2g", Map.of("spark.driver.memoryOverhead", "100")))
        .as("an explicit overhead is taken as it is, below the 384 MiB floor too")
        .isEqualTo(2148);
    assertThat(
            DriverPodFactory.containerMemoryMib(
                "4g", Map.of("spark.driver.memoryOverheadFactor", "0.4")))
        .isEqualTo(4096 + 1639);

    pipeline.getSpec().getJob().setSparkConf(Map.of("spark.driver.memoryOverhead", "1g"));
    Container c =
        DriverPodFactory.pod(pipeline, names, secrets, "h", "", RUN)
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(c.getResources().getLimits().get("memory")).isEqualTo(new Quantity("3072Mi"));
  }

  @Test
  void thePodRunsTheSparkDriverEntrypointInClientModeLockedDown() {
    String hash = SpecChangeRules.driverHash(pipeline.getSpec());
    Pod pod = DriverPodFactory.pod(pipeline, names, secrets, hash, "clickstream-kafka=7", RUN);
    assertThat(pod.getMetadata().getName()).isEqualTo("clickstream-driver");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("analytics");
    assertThat(pod.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app.kubernetes.io/name", "streaming-pipeline",
                "app.kubernetes.io/managed-by", "streaming-pipeline-operator",
                "app.kubernetes.io/component", "driver",
                "streaming.insight.dev/pipeline", "clickstream",
                "spark-role", "driver",
                "spark-app-selector", "spark-run00001"));
    assertThat(pod.getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "streaming.insight.dev/driver-spec-hash",
                hash,
                "streaming.insight.dev/driver-secret-versions",
                "clickstream-kafka=7"));
    assertOwned(pod.getMetadata().getOwnerReferences());

    var spec = pod.getSpec();
    assertThat(spec.getServiceAccountName()).isEqualTo("clickstream-driver");
    assertThat(spec.getRestartPolicy()).isEqualTo("Never");
    assertThat(spec.getTerminationGracePeriodSeconds()).as("2 x 40s batches + 30s").isEqualTo(110L);
    assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(spec.getSecurityContext().getRunAsUser()).isEqualTo(185L);
    assertThat(spec.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(spec.getVolumes()).hasSize(3);
    assertThat(spec.getVolumes().get(2).getEmptyDir())
        .as("Spark's scratch space, off the image's writable layer")
        .isNotNull();
    assertThat(spec.getVolumes().get(0).getConfigMap().getName()).isEqualTo("clickstream-driver");
    assertThat(spec.getVolumes().get(1).getSecret().getSecretName())
        .as("the Spark authentication key, readable by the Spark user's group only")
        .isEqualTo("clickstream-spark-auth");
    assertThat(spec.getVolumes().get(1).getSecret().getDefaultMode()).isEqualTo(0440);

    Container c = spec.getContainers().get(0);
    assertThat(spec.getContainers()).hasSize(1);
    assertThat(c.getName()).isEqualTo("spark-kubernetes-driver");
    assertThat(c.getImage()).isEqualTo("streaming-pipeline-job:0.1.0");
    assertThat(c.getCommand()).as("the image's own entrypoint").isNullOrEmpty();
    assertThat(c.getArgs())
        .containsExactly(
            "driver",
            "--properties-file",
            "/etc/streaming-pipeline/spark.properties",
            "--conf",
            "spark.app.id=spark-run00001",
            "--conf",
            "spark.kubernetes.executor.podNamePrefix=clickstream-run00001",
            "--class",
            "dev.insight.streaming.job.PipelineJob",
            "local:///opt/pipeline/pipeline-job.jar",
            "/etc/streaming-pipeline/jobconfig.json");
    assertThat(c.getVolumeMounts())
        .extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly(
            "pipeline-config:/etc/streaming-pipeline:true",
            "spark-auth:/var/run/secrets/streaming-pipeline/spark-auth:true",
            "spark-local-dir:/var/data/spark-local-dir:null");
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("driver-rpc:7078", "blockmanager:7079", "spark-ui:4040");
    // 2g heap + max(384Mi, 10%) overhead
    assertThat(c.getResources().getRequests())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("cpu", new Quantity("2"), "memory", new Quantity("2432Mi")));
    assertThat(c.getResources().getLimits())
        .as("memory request = limit; no CPU limit unless asked for, so the JVM is not throttled")
        .containsExactlyInAnyOrderEntriesOf(Map.of("memory", new Quantity("2432Mi")));

    Map<String, EnvVar> env =
        c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.keySet())
        .containsExactlyInAnyOrder(
            "SPARK_DRIVER_BIND_ADDRESS",
            "SPARK_LOCAL_DIRS",
            "PIPELINE_JOB_CONFIG",
            "KAFKA_SASL_JAAS_CONFIG",
            "CASSANDRA_USERNAME",
            "CASSANDRA_PASSWORD",
            "MONGODB_URI");
    assertThat(env.get("SPARK_DRIVER_BIND_ADDRESS").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("status.podIP");
    assertThat(env.get("PIPELINE_JOB_CONFIG").getValue())
        .isEqualTo("/etc/streaming-pipeline/jobconfig.json");
    assertSecretRef(env.get("KAFKA_SASL_JAAS_CONFIG"), "clickstream-kafka", "sasl.jaas.config");
    assertSecretRef(env.get("CASSANDRA_USERNAME"), "clickstream-cassandra", "username");
    assertSecretRef(env.get("CASSANDRA_PASSWORD"), "clickstream-cassandra", "password");
    assertSecretRef(env.get("MONGODB_URI"), "clickstream-mongodb", "connection-string");
  }

  @Test
  void aPodTemplateAddsWhatARealClusterNeedsAndTheOperatorsSettingsWin() throws Exception {
    PodTemplateSpec template =
        Serialization.unmarshal(
            String.join(
                "\n",
                "metadata:",
                "  labels: {team: payments, app.kubernetes.io/component: mine}",
                "  annotations: {sidecar.istio.io/inject: 'false'}",
                "spec:",
                "  imagePullSecrets: [{name: registry}]",
                "  nodeSelector: {workload: streaming}",
                "  tolerations: [{key: dedicated, operator: Equal, value: streaming,"
                    + " effect: NoSchedule}]",
                "  priorityClassName: pipelines",
                "  volumes: [{name: truststore, secret: {secretName: kafka-truststore}}]",
                "  initContainers: [{name: wait, image: busybox:1}]",
                "  containers:",
                "  - name: spark-kubernetes-driver",
                "    env: [{name: EXTRA, value: x}, {name: SPARK_LOCAL_DIRS, value: /tmp}]",
                "    envFrom: [{configMapRef: {name: tuning}}]",
                "    volumeMounts: [{name: truststore, mountPath: /etc/truststore}]",
                "  - name: proxy",
                "    image: envoy:1"),
            PodTemplateSpec.class);
    pipeline.getSpec().getJob().getDriver().setPodTemplate(template);
    pipeline.getSpec().getJob().getDriver().setCpuLimit("3");

    Pod pod = DriverPodFactory.pod(pipeline, names, secrets, "h", "", RUN);
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("team", "payments")
        .as("the operator's label wins")
        .containsEntry("app.kubernetes.io/component", "driver");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("sidecar.istio.io/inject", "false")
        .containsEntry("streaming.insight.dev/driver-spec-hash", "h");
    var spec = pod.getSpec();
    assertThat(spec.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry");
    assertThat(spec.getNodeSelector()).containsExactly(Map.entry("workload", "streaming"));
    assertThat(spec.getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getKey()).isEqualTo("dedicated"));
    assertThat(spec.getPriorityClassName()).isEqualTo("pipelines");
    assertThat(spec.getServiceAccountName()).isEqualTo("clickstream-driver");
    assertThat(spec.getVolumes())
        .extracting(v -> v.getName())
        .containsExactly("pipeline-config", "spark-auth", "spark-local-dir", "truststore");
    assertThat(spec.getInitContainers()).extracting(c -> c.getName()).containsExactly("wait");
    assertThat(spec.getContainers())
        .extracting(c -> c.getName())
        .containsExactly("spark-kubernetes-driver", "proxy");
    Container main = spec.getContainers().get(0);
    assertThat(main.getEnv())
        .filteredOn(e -> e.getName().equals("SPARK_LOCAL_DIRS"))
        .as("the operator's variable keeps its value")
        .singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("/var/data/spark-local-dir"));
    assertThat(main.getEnv()).extracting(e -> e.getName()).endsWith("EXTRA");
    assertThat(main.getEnvFrom())
        .singleElement()
        .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("tuning"));
    assertThat(main.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .endsWith("/etc/truststore");
    assertThat(main.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(main.getResources().getLimits()).containsEntry("cpu", new Quantity("3"));

    // the executors' template: the same merge, into the file Spark builds executor pods from
    ExecutorResources executor = pipeline.getSpec().getJob().getExecutor();
    executor.setPodTemplate(template);
    executor.setCpuLimit("2500m");
    Pod executorTemplate = DriverPodFactory.executorTemplate(names, executor);
    assertThat(executorTemplate.getSpec().getNodeSelector()).containsEntry("workload", "streaming");
    assertThat(executorTemplate.getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("spark-kubernetes-executor", "proxy")
        .as("an entry for the driver's container is no sidecar of the executors")
        .doesNotContain("spark-kubernetes-driver");
    assertThat(executorTemplate.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(SparkProperties.of(pipeline, names, secrets, flags))
        .containsEntry("spark.kubernetes.executor.limit.cores", "2500m")
        .doesNotContainKey("spark.kubernetes.executor.podNamePrefix");
  }

  @Test
  void everyRunGetsItsOwnApplicationIdAndExecutorPrefix() {
    DriverRun first = DriverRun.next();
    DriverRun second = DriverRun.next();
    assertThat(first).isNotEqualTo(second);
    assertThat(names.executorPodPrefix(first)).isNotEqualTo(names.executorPodPrefix(second));
    assertThat(names.executorPodPrefix(first)).matches("clickstream-[a-z0-9]{8}");
    assertThat(first.applicationId()).matches("spark-[a-z0-9]{8}");
  }

  @Test
  void theConfigMapHoldsTheJobConfigSparkPropertiesAndExecutorTemplateButNoSecretValue()
      throws Exception {
    ConfigMap cm = DriverObjects.configMap(pipeline, names, secrets, flags);
    assertThat(cm.getMetadata().getName()).isEqualTo("clickstream-driver");
    assertOwned(cm.getMetadata().getOwnerReferences());
    assertThat(cm.getData())
        .containsOnlyKeys("jobconfig.json", "spark.properties", "executor-pod-template.yaml");
    String everything = String.join("\n", cm.getData().values());
    assertThat(everything).doesNotContain("change-me", SASL, "password=");

    JsonNode job = new ObjectMapper().readTree(cm.getData().get("jobconfig.json"));
    assertThat(job.at("/pipeline/namespace").asText()).isEqualTo("analytics");
    assertThat(job.at("/kafka/consumerGroup").asText()).isEqualTo("analytics.clickstream");
    assertThat(job.at("/kafka/topics").toString()).isEqualTo("[\"web.clicks\",\"mobile.clicks\"]");
    assertThat(job.at("/kafka/clientConfigFromEnv/sasl.jaas.config").asText())
        .isEqualTo("KAFKA_SASL_JAAS_CONFIG");
    assertThat(job.at("/sinks/cassandra/usernameEnv").asText()).isEqualTo("CASSANDRA_USERNAME");
    assertThat(job.at("/sinks/cassandra/passwordEnv").asText()).isEqualTo("CASSANDRA_PASSWORD");
    assertThat(job.at("/sinks/mongodb/uriEnv").asText()).isEqualTo("MONGODB_URI");
    assertThat(job.at("/deadLetter/topic").asText()).isEqualTo("analytics.clickstream.dlq");
    assertThat(job.at("/stream/maxRatePerPartition").asLong()).isEqualTo(5000L);

    Properties spark = new Properties();
    spark.load(new StringReader(cm.getData().get("spark.properties")));
    assertThat(spark)
        .containsEntry("spark.master", "k8s://https://kubernetes.default.svc:443")
        .containsEntry("spark.submit.deployMode", "client")
        .containsEntry("spark.kubernetes.namespace", "analytics")
        .containsEntry("spark.kubernetes.driver.pod.name", "clickstream-driver")
        .containsEntry("spark.kubernetes.container.image", "streaming-pipeline-job:0.1.0")
        .containsEntry("spark.driver.host", "clickstream-driver.analytics.svc")
        .containsEntry("spark.driver.port", "7078")
        .containsEntry("spark.driver.blockManager.port", "7079")
        .containsEntry("spark.executor.instances", "3")
        .containsEntry("spark.executor.cores", "2")
        .containsEntry("spark.executor.memory", "4096m")
        .containsEntry("spark.driver.memory", "2048m")
        .containsEntry("spark.driver.cores", "2")
        .containsEntry("spark.driver.extraJavaOptions", flags)
        .containsEntry("spark.executor.extraJavaOptions", flags)
        .containsEntry(
            "spark.kubernetes.executor.podTemplateFile",
            "/etc/streaming-pipeline/executor-pod-template.yaml")
        .containsEntry(
            "spark.kubernetes.executor.secretKeyRef.MONGODB_URI",
            "clickstream-mongodb:connection-string")
        .containsEntry(
            "spark.kubernetes.executor.secretKeyRef.KAFKA_SASL_JAAS_CONFIG",
            "clickstream-kafka:sasl.jaas.config")
        .containsEntry("spark.streaming.kafka.maxRatePerPartition", "5000")
        .containsEntry("spark.sql.shuffle.partitions", "8")
        // the pod's own ServiceAccount, named: client mode reads no in-cluster credentials itself
        .containsEntry(
            "spark.kubernetes.authenticate.oauthTokenFile",
            "/var/run/secrets/kubernetes.io/serviceaccount/token")
        .containsEntry(
            "spark.kubernetes.authenticate.caCertFile",
            "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
        // driver and executors authenticate with the pipeline's key, by file and by reference
        .containsEntry("spark.authenticate", "true")
        .containsEntry("spark.network.crypto.enabled", "true")
        .containsEntry(
            "spark.authenticate.secret.file",
            "/var/run/secrets/streaming-pipeline/spark-auth/secret")
        .containsEntry(
            "spark.kubernetes.executor.secretKeyRef._SPARK_AUTH_SECRET",
            "clickstream-spark-auth:secret.base64")
        .doesNotContainKey("spark.authenticate.secret")
        // what the driver's Role leaves out, Spark must not try on stop
        .containsEntry("spark.kubernetes.driver.service.deleteOnTermination", "false")
        .containsEntry("spark.kubernetes.driver.ownPersistentVolumeClaim", "false");

    Pod template =
        SERIALIZATION.unmarshal(cm.getData().get("executor-pod-template.yaml"), Pod.class);
    assertThat(template.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "executor")
        .containsEntry("streaming.insight.dev/pipeline", "clickstream");
    assertThat(template.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(
            template
                .getSpec()
                .getContainers()
                .get(0)
                .getSecurityContext()
                .getCapabilities()
                .getDrop())
        .containsExactly("ALL");
  }

  @Test
  void theSparkAuthenticationSecretHoldsTheKeyAsTheDriverAndExecutorsReadIt() {
    Secret secret = DriverObjects.sparkAuthSecret(pipeline, names);
    assertThat(secret.getMetadata().getName()).isEqualTo("clickstream-spark-auth");
    assertOwned(secret.getMetadata().getOwnerReferences());
    byte[] key = Base64.getDecoder().decode(secret.getData().get("secret"));
    assertThat(key).hasSize(32);
    // Spark's key is the base64 of the file's bytes; executors get that text in their variable
    assertThat(new String(Base64.getDecoder().decode(secret.getData().get("secret.base64"))))
        .isEqualTo(Base64.getEncoder().encodeToString(key));
    assertThat(DriverObjects.sparkAuthSecret(pipeline, names).getData().get("secret"))
        .as("a fresh key each time one is made")
        .isNotEqualTo(secret.getData().get("secret"));
  }

  @Test
  void theHeadlessServiceSelectsTheDriverOnly() {
    Service service = DriverObjects.service(pipeline, names);
    assertThat(service.getMetadata().getName()).isEqualTo("clickstream-driver");
    assertOwned(service.getMetadata().getOwnerReferences());
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(service.getSpec().getSelector())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "streaming.insight.dev/pipeline",
                "clickstream",
                "app.kubernetes.io/component",
                "driver"));
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getIntVal())
        .containsExactly("driver-rpc:7078->7078", "blockmanager:7079->7079", "spark-ui:4040->4040");
  }

  @Test
  void theDriversServiceAccountIsBoundToTheDriverClusterRoleInItsNamespace() {
    RoleBinding binding = DriverObjects.roleBinding(pipeline, names, "spo-driver");
    assertOwned(binding.getMetadata().getOwnerReferences());
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("analytics");
    assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo("spo-driver");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("clickstream-driver");
              assertThat(s.getNamespace()).isEqualTo("analytics");
            });
    assertOwned(DriverObjects.serviceAccount(pipeline, names).getMetadata().getOwnerReferences());
    ClusterRole role = OperatorAccess.driverClusterRole("spo-driver");
    assertThat(role.getMetadata().getName()).isEqualTo("spo-driver");
    assertThat(role.getRules()).isEqualTo(AccessRule.toPolicyRules(OperatorAccess.driverRole()));
    assertThat(role.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("");
              assertThat(r.getResources()).singleElement().isIn("pods", "configmaps");
            });
  }

  @Test
  void theJavaOptionsAreTheBuildsOneListTheTestsRunWithToo() {
    // surefire's argLine and the operator's resource are both filtered from the parent's
    // spark.java17.flags
    List<String> jvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
    assertThat(Arrays.asList(flags.split(" ")))
        .hasSizeGreaterThan(10)
        .allSatisfy(f -> assertThat(jvm).contains(f));
    assertThat(flags).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
  }

  @Test
  void longNamesAreShortenedStablyWithinKubernetesLimits() {
    String longName = "a".repeat(70) + ".b";
    DriverNames n = new DriverNames("ns", longName, DriverNames.dnsLabel(longName));
    assertThat(n.pod()).hasSizeLessThanOrEqualTo(63).endsWith("-driver").matches("[a-z0-9-]+");
    assertThat(n.executorPodPrefix(RUN)).hasSizeLessThanOrEqualTo(47);
    assertThat(n.pod())
        .isEqualTo(new DriverNames("ns", longName, DriverNames.dnsLabel(longName)).pod());
    assertThat(DriverNames.dnsLabel("1st")).isEqualTo("sp-1st");
  }

  @Test
  void propertiesEscapeWhatJavaPropertiesWouldMisread() throws Exception {
    String text = SparkProperties.render(Map.of("a key", "x=y: #1 \\ é\n", "spark.b", " lead"));
    Properties read = new Properties();
    read.load(new StringReader(text));
    assertThat(read).containsEntry("a key", "x=y: #1 \\ é\n").containsEntry("spark.b", " lead");
  }

  private static void assertSecretRef(EnvVar var, String secret, String key) {
    assertThat(var.getValue()).isNull();
    assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret);
    assertThat(var.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(key);
  }

  private static void assertOwned(List<OwnerReference> refs) {
    assertThat(refs)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getApiVersion()).isEqualTo("streaming.insight.dev/v1alpha1");
              assertThat(o.getKind()).isEqualTo("StreamingPipeline");
              assertThat(o.getName()).isEqualTo("clickstream");
              assertThat(o.getUid()).isEqualTo("7d1c4a52-0000-4000-8000-000000000001");
              assertThat(o.getController()).isTrue();
              assertThat(o.getBlockOwnerDeletion()).isTrue();
            });
  }
}
