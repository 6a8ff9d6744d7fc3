package dev.insight.streaming.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real control plane: the API server answers kubectl over client certificates, RBAC refuses a
 * user with no bindings, the controllers run, and the three processes end with stop() and when the
 * parent JVM is killed.
 */
class KubernetesControlPlaneTest {

  @Test
  void kubectlTalksToTheApiServerAndRbacRefusesAStranger() throws Exception {
    try (EmbeddedKubernetes kubernetes = EmbeddedKubernetes.start()) {
      Path kubectl = kubernetes.binaries().kubectl();
      assertThat(
              run(
                  kubectl,
                  "--kubeconfig",
                  kubernetes.kubeconfig().toString(),
                  "get",
                  "--raw",
                  "/readyz"))
          .isEqualTo("0:ok");
      // the ServiceAccount controller made the default account: kube-controller-manager runs
      assertThat(
              run(
                  kubectl,
                  "--kubeconfig",
                  kubernetes.kubeconfig().toString(),
                  "get",
                  "serviceaccount",
                  "default",
                  "-n",
                  "default",
                  "-o",
                  "name"))
          .isEqualTo("0:serviceaccount/default");
      assertThat(
              run(
                  kubectl,
                  "--kubeconfig",
                  kubernetes.kubeconfig().toString(),
                  "version",
                  "-o",
                  "json"))
          .contains("\"gitVersion\": \"v1.37.2\"");
      String stranger =
          run(
              kubectl,
              "--kubeconfig",
              kubernetes.kubeconfigFor("stranger").toString(),
              "get",
              "pods",
              "-n",
              "default");
      assertThat(stranger)
          .startsWith("1:")
          .contains("Forbidden", "User \"stranger\" cannot list resource \"pods\"");
    }
  }

  @Test
  void stopEndsEtcdTheApiServerAndTheControllerManagerAndDeletesTheFolder() {
    EmbeddedKubernetes kubernetes = EmbeddedKubernetes.start();
    List<Long> pids = kubernetes.pids();
    List<ProcessHandle> family = new ArrayList<>();
    pids.forEach(
        pid ->
            ProcessHandle.of(pid)
                .ifPresent(
                    p -> {
                      family.add(p);
                      family.addAll(p.descendants().toList());
                    }));
    assertThat(family).hasSizeGreaterThanOrEqualTo(6); // three guards, each with its program
    assertThat(kubernetes.isRunning()).isTrue();

    kubernetes.stop();

    assertThat(family).noneMatch(ProcessHandle::isAlive);
    assertThat(kubernetes.dataDir()).doesNotExist();
    kubernetes.close(); // idempotent
  }

  @Test
  void theControlPlaneEndsItselfWhenItsParentJvmIsKilled() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path parentErr = Files.createTempFile("orphaned-parent-", ".err");
    Process parent =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanedParent.class.getName(),
                "kubernetes")
            .redirectError(parentErr.toFile())
            .start();
    List<ProcessHandle> family = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      Matcher started = null;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = Pattern.compile("kubernetes pids=([0-9,]+) dir=(.+)").matcher(line);
        if (m.matches()) {
          started = m;
          break;
        }
      }
      assertThat(started)
          .as(
              "the parent JVM reported its control plane; its stderr:%n%s",
              Files.readString(parentErr))
          .isNotNull();
      Arrays.stream(started.group(1).split(","))
          .map(Long::parseLong)
          .forEach(
              pid ->
                  ProcessHandle.of(pid)
                      .ifPresent(
                          p -> {
                            family.add(p);
                            family.addAll(p.descendants().toList());
                          }));
      assertThat(family).hasSizeGreaterThanOrEqualTo(6).allMatch(ProcessHandle::isAlive);

      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs

      for (ProcessHandle member : family) {
        member.onExit().get(20, TimeUnit.SECONDS);
      }
      assertThat(family).noneMatch(ProcessHandle::isAlive);
      assertThat(Path.of(started.group(2)))
          .as("the orphaned control plane's folder")
          .doesNotExist();
    } finally {
      Files.deleteIfExists(parentErr);
      parent.destroyForcibly();
      family.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Runs a command; returns "exit:output" with the output trimmed. */
  private static String run(Path program, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(program.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return process.exitValue() + ":" + output;
  }
}
