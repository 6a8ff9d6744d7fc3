package dev.insight.streaming.local.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.insight.streaming.local.pods.DriverCommand.UnsupportedPodException;
import dev.insight.streaming.operator.driver.DriverContract;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * What the node agent runs for a container, read from the pod as the Spark image's entrypoint reads
 * it: the executor's options in their numeric order, heap, class path and backend arguments; the
 * driver's master kept as Kubernetes, only its address local, and the in-pod files it reads mapped
 * to the pod's volume folders.
 */
class ContainerCommandTest {

  static final Path VOLUMES = Path.of("/work/pods/ns_p_1/volumes");
  static final Predicate<String> MOUNTED = p -> p.startsWith("/var/run/secrets/");
  static final Function<String, Path> LOCAL = p -> VOLUMES.resolve(p.substring(1));

  @Test
  void anExecutorRunsTheImagesCommandWithItsOptionsInNumericOrder() {
    Map<String, String> env = executorEnv();
    for (int i = 0; i <= 10; i++) {
      env.put("SPARK_JAVA_OPT_" + i, "-Dopt" + i + "=x");
    }
    env.put("SPARK_JAVA_OPT_11", "-Dspark.authenticate.secret.file=/var/run/secrets/key/secret");
    ExecutorCommand command =
        ExecutorCommand.of(List.of("executor"), env, MOUNTED, LOCAL, Path.of("/scratch"));

    assertThat(command.jvmOptions().subList(0, 12))
        .startsWith("-Dopt0=x", "-Dopt1=x", "-Dopt2=x")
        .contains("-Dopt9=x", "-Dopt10=x")
        .endsWith(
            "-Dspark.authenticate.secret.file=" + VOLUMES.resolve("var/run/secrets/key/secret"));
    assertThat(command.jvmOptions().indexOf("-Dopt9=x"))
        .isLessThan(command.jvmOptions().indexOf("-Dopt10=x"));
    assertThat(command.jvmOptions()).contains("-Xms512m", "-Xmx512m", "-Djava.io.tmpdir=/scratch");
    assertThat(command.classpathHead()).containsExactly(Path.of("/work/conf"));
    assertThat(command.mainClass())
        .isEqualTo("org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend");
    assertThat(command.args())
        .containsExactly(
            "--driver-url", "spark://CoarseGrainedScheduler@127.0.0.1:40001",
            "--executor-id", "3",
            "--cores", "1",
            "--app-id", "spark-abc",
            "--hostname", "127.0.0.1",
            "--resourceProfileId", "0",
            "--podName", "p-exec-3");
  }

  @Test
  void anExecutorPodWithoutWhatTheEntrypointNeedsIsRefusedNamingIt() {
    Map<String, String> env = executorEnv();
    env.remove("SPARK_DRIVER_URL");
    assertThatThrownBy(
            () -> ExecutorCommand.of(List.of("executor"), env, MOUNTED, LOCAL, Path.of("/s")))
        .isInstanceOf(UnsupportedPodException.class)
        .hasMessageContaining("SPARK_DRIVER_URL");
    assertThatThrownBy(
            () ->
                ExecutorCommand.of(
                    List.of("executor", "extra"), executorEnv(), MOUNTED, LOCAL, Path.of("/s")))
        .isInstanceOf(UnsupportedPodException.class);
  }

  @Test
  void aDriverKeepsTheKubernetesMasterAtTheLocalAddressAndReadsItsOwnCopiesOfMountedFiles() {
    Map<String, Path> files =
        Map.of(
            DriverContract.configPath(DriverContract.SPARK_PROPERTIES_KEY),
            Path.of("/nonexistent"));
    DriverCommand command =
        DriverCommand.of(
            List.of(
                "driver",
                "--conf",
                "spark.master=k8s://https://kubernetes.default.svc:443",
                "--conf",
                "spark.kubernetes.authenticate.oauthTokenFile=/var/run/secrets/sa/token",
                "--conf",
                "spark.authenticate.secret.file=/var/run/secrets/key/secret",
                "--class",
                "dev.insight.streaming.job.PipelineJob",
                DriverContract.JOB_JAR,
                "/etc/streaming-pipeline/jobconfig.json"),
            p -> files.containsKey(p) ? files.get(p) : LOCAL.apply(p),
            "127.0.0.1",
            "https://127.0.0.1:6443",
            Path.of("/scratch"));

    assertThat(command.sparkProperties())
        .containsEntry("spark.master", "k8s://https://127.0.0.1:6443")
        .containsEntry(
            "spark.kubernetes.authenticate.oauthTokenFile",
            VOLUMES.resolve("var/run/secrets/sa/token").toString())
        .containsEntry(
            "spark.authenticate.secret.file",
            VOLUMES.resolve("var/run/secrets/key/secret").toString())
        // one key file for the driver: executors read theirs from their own variable
        .doesNotContainKey("spark.authenticate.secret.driver.file")
        .containsEntry("spark.driver.host", "127.0.0.1");
    assertThat(command.args())
        .containsExactly("/work/pods/ns_p_1/volumes/etc/streaming-pipeline/jobconfig.json");
    assertThat(DriverCommand.LOCAL_OVERRIDES)
        .as("each local change says why")
        .containsKeys(
            "spark.master",
            "spark.kubernetes.authenticate.oauthTokenFile",
            "spark.authenticate.secret.file");
  }

  private static Map<String, String> executorEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_DRIVER_URL", "spark://CoarseGrainedScheduler@127.0.0.1:40001");
    env.put("SPARK_EXECUTOR_ID", "3");
    env.put("SPARK_EXECUTOR_CORES", "1");
    env.put("SPARK_EXECUTOR_MEMORY", "512m");
    env.put("SPARK_APPLICATION_ID", "spark-abc");
    env.put("SPARK_EXECUTOR_POD_IP", "127.0.0.1");
    env.put("SPARK_RESOURCE_PROFILE_ID", "0");
    env.put("SPARK_EXECUTOR_POD_NAME", "p-exec-3");
    env.put("SPARK_CONF_DIR", "/work/conf");
    return env;
  }
}
