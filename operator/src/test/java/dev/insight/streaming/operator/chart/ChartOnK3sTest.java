package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The real-cluster story on k3s: load the two images, helm install the chart, bring up the development
 * servers from examples/infra/, apply the clicks pipeline, and watch it become Ready. Needs a Docker engine
 * and the images built as the README says; without an engine the whole class is skipped, with the reason
 * in the test report.
 */
@EnabledIf(value = "dockerEngineAvailable",
    disabledReason = "no Docker engine reachable: the k3s end-to-end story needs one (README: Run on a real cluster)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartOnK3sTest {

  private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.31.4-k3s1");
  private static final String IMAGE_TAG = "0.1.0";
  private static final List<String> IMAGES =
      List.of("streaming-pipeline-operator:" + IMAGE_TAG, "streaming-pipeline-job:" + IMAGE_TAG);
  private static final String OPERATOR_NAMESPACE = "streaming-system";
  private static final String PIPELINES_NAMESPACE = "pipelines";
  private static final Path INFRA = Path.of("..", "examples", "infra").toAbsolutePath().normalize();

  private K3sContainer k3s;
  private KubernetesClient client;

  static boolean dockerEngineAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @BeforeAll
  void startClusterWithImages() throws Exception {
    DockerClient docker = DockerClientFactory.instance().client();
    for (String image : IMAGES) {
      assumeTrue(imageExists(docker, image),
          () -> "image " + image + " is not built: run the image builds in README 'Run on a real cluster' first");
    }
    k3s = new K3sContainer(K3S);
    k3s.start();
    for (String image : IMAGES) {
      loadIntoCluster(docker, image);
    }
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
  }

  @AfterAll
  void stopCluster() {
    if (client != null) {
      client.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  void installedChartRunsTheClicksPipelineUntilReady() throws IOException {
    Release release = new Helm(OperatorChart.DIR).install()
        .withName("streaming-pipeline-operator").withNamespace(OPERATOR_NAMESPACE).createNamespace()
        .withKubeConfigContents(k3s.getKubeConfigYaml())
        .withValuesFile(OperatorChart.valuesFile(Map.of(
            "image", Map.of("tag", IMAGE_TAG),
            "watchNamespaces", List.of(PIPELINES_NAMESPACE))))
        .waitReady().withTimeout(300)
        .call();
    assertThat(release.getStatus()).isEqualTo("deployed");

    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(PIPELINES_NAMESPACE)
        .endMetadata().build()).create();
    for (String server : List.of("kafka", "cassandra", "mongodb")) {
      apply(INFRA.resolve(server + ".yaml"));
    }
    for (String server : List.of("kafka", "cassandra", "mongodb")) {
      client.apps().deployments().inNamespace(PIPELINES_NAMESPACE).withName(server)
          .waitUntilReady(10, TimeUnit.MINUTES);
    }

    apply(INFRA.resolve("clicks-pipeline.yaml"));
    try {
      GenericKubernetesResource ready = client
          .genericKubernetesResources("streaming.insight.dev/v1alpha1", "StreamingPipeline")
          .inNamespace(PIPELINES_NAMESPACE).withName("clicks")
          .waitUntilCondition(ChartOnK3sTest::isReady, 10, TimeUnit.MINUTES);
      assertThat(ready.get("status", "phase").toString()).isEqualTo("Running");
    } catch (RuntimeException notReady) {
      System.err.println(client.apps().deployments().inNamespace(OPERATOR_NAMESPACE).withName("streaming-pipeline-operator")
          .getLog());
      throw notReady;
    }
  }

  @SuppressWarnings("unchecked")
  private static boolean isReady(GenericKubernetesResource pipeline) {
    if (pipeline == null || !(pipeline.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
      return false;
    }
    Object conditions = status.get("conditions");
    return conditions instanceof List<?> list && list.stream()
        .map(condition -> (Map<String, Object>) condition)
        .anyMatch(condition -> "Ready".equals(condition.get("type")) && "True".equals(condition.get("status")));
  }

  private void apply(Path manifest) throws IOException {
    try (InputStream in = Files.newInputStream(manifest)) {
      client.load(in).inNamespace(PIPELINES_NAMESPACE).create();
    }
  }

  private static boolean imageExists(DockerClient docker, String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException absent) {
      return false;
    }
  }

  /** k3s runs containerd, not the host's Docker: the image goes in as a saved tarball. */
  private void loadIntoCluster(DockerClient docker, String image) throws Exception {
    Path tarball = Files.createTempFile("image-", ".tar");
    try (InputStream saved = docker.saveImageCmd(image).exec()) {
      Files.copy(saved, tarball, StandardCopyOption.REPLACE_EXISTING);
    }
    String inContainer = "/tmp/" + tarball.getFileName();
    k3s.copyFileToContainer(MountableFile.forHostPath(tarball), inContainer);
    ExecResult imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", inContainer);
    Files.delete(tarball);
    assertThat(imported.getExitCode()).as("ctr import %s: %s", image, imported.getStderr()).isZero();
  }
}
