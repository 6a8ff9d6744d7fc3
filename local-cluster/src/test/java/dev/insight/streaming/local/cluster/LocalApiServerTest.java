package dev.insight.streaming.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local API server as kubectl and the fabric8 client see it: discovery, tables, status, secrets, pod logs. */
class LocalApiServerTest {

  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static Path kubeconfig;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(LocalCluster.Options.defaults(dir.resolve("work")).withoutOperator());
    kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void kubectlDiscoversTheCustomResourceByItsShortName() throws Exception {
    assumeKubectl();
    String resources = kubectl("api-resources", "--api-group=streaming.insight.dev");
    assertThat(resources).contains("streamingpipelines").contains("sp").contains("StreamingPipeline");
  }

  @Test
  void kubectlGetShowsThePrinterColumnsAndTheYaml() throws Exception {
    assumeKubectl();
    KubernetesClient client = cluster.client();
    StreamingPipeline pipeline = client.load(
            LocalApiServerTest.class.getResourceAsStream("/META-INF/streaming-pipeline/examples/minimal-pipeline.yaml"))
        .items().stream().filter(r -> StreamingPipeline.KIND.equals(r.getKind()))
        .map(r -> client.getKubernetesSerialization().convertValue(r, StreamingPipeline.class))
        .findFirst().orElseThrow();
    pipeline.getMetadata().setName("tabled");
    client.resource(pipeline).inNamespace("default").create();

    String table = kubectl("get", "sp");
    assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "PHASE", "READY", "LAG", "BEHIND", "DRIVER", "AGE");
    assertThat(table).contains("tabled");
    assertThat(kubectl("get", "sp", "tabled", "-o", "yaml")).contains("kind: StreamingPipeline").contains("name: tabled");
    assertThat(kubectl("get", "streamingpipelines.streaming.insight.dev", "-o", "name"))
        .contains("streamingpipeline.streaming.insight.dev/tabled");
  }

  @Test
  void aStatusWriteWithAStaleResourceVersionIsRefusedLikeAnApiServerDoes() {
    KubernetesClient client = cluster.client();
    StreamingPipeline pipeline = client.load(
            LocalApiServerTest.class.getResourceAsStream("/META-INF/streaming-pipeline/examples/minimal-pipeline.yaml"))
        .items().stream().filter(r -> StreamingPipeline.KIND.equals(r.getKind()))
        .map(r -> client.getKubernetesSerialization().convertValue(r, StreamingPipeline.class))
        .findFirst().orElseThrow();
    pipeline.getMetadata().setName("contended");
    StreamingPipeline stored = client.resource(pipeline).inNamespace("default").create();

    StreamingPipeline first = client.getKubernetesSerialization().clone(stored);
    first.setStatus(new StreamingPipelineStatus());
    first.getStatus().setMessage("written by the reconciler");
    client.resource(first).inNamespace("default").updateStatus();

    StreamingPipeline stale = client.getKubernetesSerialization().clone(stored);
    stale.setStatus(new StreamingPipelineStatus());
    stale.getStatus().setMessage("written from an old copy");
    assertThatThrownBy(() -> client.resource(stale).inNamespace("default").updateStatus())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(client.resources(StreamingPipeline.class).inNamespace("default").withName("contended").get()
        .getStatus().getMessage()).isEqualTo("written by the reconciler");
  }

  @Test
  void secretsStoreStringDataAsDataLikeAnApiServer() {
    Secret created = cluster.client().secrets().inNamespace("default").resource(new SecretBuilder()
        .withNewMetadata().withName("plain").endMetadata().addToStringData("uri", "mongodb://x").build()).create();
    Secret read = cluster.client().secrets().inNamespace("default").withName("plain").get();
    assertThat(read.getStringData()).isNullOrEmpty();
    assertThat(new String(Base64.getDecoder().decode(read.getData().get("uri")), StandardCharsets.UTF_8))
        .isEqualTo("mongodb://x");
    assertThat(created.getData()).containsKey("uri");
  }

  @Test
  void aPodThatIsNotASparkDriverStaysPendingAndSaysWhy() {
    Pod pod = new PodBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec().addNewContainer()
        .withName("web").withImage("nginx").endContainer().endSpec().build();
    cluster.client().pods().inNamespace("default").resource(pod).create();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Pod seen = cluster.client().pods().inNamespace("default").withName("web").get();
      assertThat(seen.getStatus()).isNotNull();
      assertThat(seen.getStatus().getPhase()).isEqualTo("Pending");
      assertThat(seen.getStatus().getConditions()).anySatisfy(c -> {
        assertThat(c.getReason()).isEqualTo("Unschedulable");
        assertThat(c.getMessage()).contains("only Spark driver pods");
      });
    });
  }

  static void assumeKubectl() {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/kubectl")) || Files.isExecutable(Path.of("/usr/local/bin/kubectl")),
        "kubectl is not installed");
  }

  static String kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s:\n%s", String.join(" ", args), out).isZero();
    return out;
  }
}
