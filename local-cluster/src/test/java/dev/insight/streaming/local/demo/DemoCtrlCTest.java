package dev.insight.streaming.local.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.embedded.OwnSession;
import dev.insight.streaming.local.pods.WorkDirs;
import dev.insight.streaming.local.stories.PodLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C, for real: the demo runs as its own process (Kafka, Cassandra, etcd, kube-apiserver,
 * kube-controller-manager, a driver JVM and its executor JVM below it) in its own process group,
 * which gets SIGINT as a terminal sends it; the driver stops gracefully while the servers still
 * run, and every process the demo started is gone when it has exited.
 */
class DemoCtrlCTest {

  private Process demo;

  @AfterEach
  void killLeftovers() {
    if (demo != null) {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
  }

  @Test
  void ctrlCStopsTheDemoAndEveryProcessItStarted() throws Exception {
    Path work = WorkDirs.forTest(DemoCtrlCTest.class);
    Path out = work.resolve("stdout.txt");
    demo =
        new ProcessBuilder(
                // a session and process group of its own, as a shell gives a foreground command
                OwnSession.of(
                    List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        DemoCommand.class.getName(),
                        "--plain",
                        "--rate",
                        "50",
                        "--work-dir",
                        work.resolve("demo").toString())))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();

    // wait for the whole family: two servers, the control plane, the driver JVM running the job and
    // the executor JVM Spark asked the API server for
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(demo.isAlive()).as("demo output:\n%s", Files.readString(out)).isTrue();
              assertThat(demo.descendants().map(DemoCtrlCTest::commandLine))
                  .anyMatch(c -> c.contains("kafka.Kafka"))
                  .anyMatch(c -> c.contains("CassandraDaemon"))
                  .anyMatch(c -> c.contains("/etcd "))
                  .anyMatch(c -> c.contains("/kube-apiserver "))
                  .anyMatch(c -> c.contains("/kube-controller-manager "))
                  .anyMatch(c -> c.contains("dev.insight.streaming.job.PipelineJob"))
                  .anyMatch(c -> c.contains("KubernetesExecutorBackend"));
              // the view lists the executor pod the driver asked for, Running
              assertThat(Files.readString(out).lines())
                  .anyMatch(
                      l -> l.matches(" *demo-[a-z0-9]{8}-exec-1 .*") && l.contains("Running"));
            });
    List<ProcessHandle> family = demo.descendants().toList();

    // the web view's address as printed, with its token, opens the pipelines the demo runs
    String viewLine =
        Files.readString(out)
            .lines()
            .filter(l -> l.startsWith("demo: web view"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the demo printed no web view address"));
    String address = viewLine.substring(viewLine.indexOf("http://"));
    java.net.URI view = java.net.URI.create(address.substring(0, address.indexOf('#')));
    String token = address.substring(address.indexOf("#token=") + "#token=".length());
    java.net.http.HttpResponse<String> listed =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(view.resolve("api/pipelines"))
                    .header("Authorization", "Bearer " + token)
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(listed.statusCode()).as("the view with the printed token").isEqualTo(200);
    assertThat(listed.body()).contains("\"name\":\"demo\"");

    // Ctrl-C in a terminal: SIGINT to the whole foreground process group, which holds only the
    // demo when every server and pod runs in a session of its own
    new ProcessBuilder("kill", "-INT", "--", "-" + demo.pid())
        .start()
        .waitFor(10, TimeUnit.SECONDS);
    assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as("the demo exits after Ctrl-C").isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(family)
                    .as("processes the demo started")
                    .noneMatch(ProcessHandle::isAlive));
    assertThat(Files.readString(out))
        .contains("demo: stopped; nothing left running")
        .as("no stack trace while stopping")
        .doesNotContain("\tat ");
    PodLogs.assertNoRefusal(work.resolve("demo").resolve("cluster"));
    assertThat(Files.readString(driverLog(work)))
        .as("the driver stopped gracefully, its servers still up")
        .contains("stopped gracefully");
  }

  private static Path driverLog(Path work) {
    return PodLogs.under(work.resolve("demo").resolve("cluster")).stream()
        .filter(f -> f.getFileName().toString().equals("spark-kubernetes-driver.log"))
        .findFirst()
        .orElseThrow();
  }

  /** The full command line; ProcessHandle.Info cuts long ones (these classpaths are long). */
  private static String commandLine(ProcessHandle p) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
          .replace('\0', ' ');
    } catch (java.io.IOException e) {
      return p.info().commandLine().orElse("");
    }
  }
}
