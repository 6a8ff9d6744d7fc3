package dev.insight.streaming.local.stories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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
 * The real-cluster story on k3s: load the two images, helm install the chart, bring up the
 * development servers from examples/infra/, apply the clicks pipeline, then run the same {@link
 * PipelineScenario} as the local cluster's stories (records produced, exact counts in both sinks,
 * lag 0 in the status, deletion leaving no child), reaching the servers through {@code exec} in
 * their pods. Needs a Docker engine and the images built as the README says; without an engine the
 * whole class is skipped, with the reason in the test report.
 */
@EnabledIf(
    value = "dockerEngineAvailable",
    disabledReason =
        "no Docker engine reachable: the k3s end-to-end story needs one (README: Run on a real cluster)")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartOnK3sTest {

  private static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.31.4-k3s1");
  private static final String IMAGE_TAG = "0.1.0";
  private static final List<String> IMAGES =
      List.of("streaming-pipeline-operator:" + IMAGE_TAG, "streaming-pipeline-job:" + IMAGE_TAG);
  private static final String OPERATOR_NAMESPACE = "streaming-system";
  private static final String PIPELINES_NAMESPACE = "pipelines";
  private static final Path INFRA = Path.of("..", "examples", "infra").toAbsolutePath().normalize();
  private static final Path CHART =
      Path.of("..", "helm", "streaming-pipeline-operator").toAbsolutePath().normalize();

  private K3sContainer k3s;
  private KubernetesClient client;

  static boolean dockerEngineAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @BeforeAll
  void startClusterWithImages() throws Exception {
    DockerClient docker = DockerClientFactory.instance().client();
    for (String image : IMAGES) {
      assumeTrue(
          imageExists(docker, image),
          () ->
              "image "
                  + image
                  + " is not built: run the image builds in README 'Run on a real cluster' first");
    }
    k3s = new K3sContainer(K3S);
    k3s.start();
    for (String image : IMAGES) {
      loadIntoCluster(docker, image);
    }
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml()))
            .build();
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
  void installedChartRunsTheSharedPipelineScenarioOnTheClicksPipeline() throws IOException {
    // first: the chart puts the operator's Role there
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(PIPELINES_NAMESPACE)
                .endMetadata()
                .build())
        .create();
    Release release =
        new Helm(CHART)
            .install()
            .withName("streaming-pipeline-operator")
            .withNamespace(OPERATOR_NAMESPACE)
            .createNamespace()
            .withKubeConfigContents(k3s.getKubeConfigYaml())
            .withValuesFile(
                valuesFile(
                    Map.of(
                        "image", Map.of("tag", IMAGE_TAG),
                        "watchNamespaces", List.of(PIPELINES_NAMESPACE))))
            .waitReady()
            .withTimeout(300)
            .call();
    assertThat(release.getStatus()).isEqualTo("deployed");

    for (String server : List.of("kafka", "cassandra", "mongodb")) {
      apply(INFRA.resolve(server + ".yaml"));
    }
    for (String server : List.of("kafka", "cassandra", "mongodb")) {
      client
          .apps()
          .deployments()
          .inNamespace(PIPELINES_NAMESPACE)
          .withName(server)
          .waitUntilReady(10, TimeUnit.MINUTES);
    }

    apply(INFRA.resolve("clicks-pipeline.yaml"));
    try {
      PipelineScenario.run(
          client,
          PIPELINES_NAMESPACE,
          "clicks",
          new K3sWorld(client, PIPELINES_NAMESPACE),
          3000,
          Duration.ofMinutes(10));
    } catch (RuntimeException | AssertionError notDone) {
      System.err.println(
          client
              .apps()
              .deployments()
              .inNamespace(OPERATOR_NAMESPACE)
              .withName("streaming-pipeline-operator")
              .getLog());
      throw notDone;
    }
  }

  private static Path valuesFile(Map<String, Object> values) throws IOException {
    Path file = Files.createTempFile("values-", ".yaml");
    file.toFile().deleteOnExit();
    Files.writeString(file, io.fabric8.kubernetes.client.utils.Serialization.asYaml(values));
    return file;
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
    ExecResult imported =
        k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", inContainer);
    Files.delete(tarball);
    assertThat(imported.getExitCode())
        .as("ctr import %s: %s", image, imported.getStderr())
        .isZero();
  }
}
