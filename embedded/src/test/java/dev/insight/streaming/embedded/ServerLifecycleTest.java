package dev.insight.streaming.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server child JVM ends with stop(), and also when its parent JVM is killed outright. */
class ServerLifecycleTest {

  @Test
  void stopEndsTheBrokerJvmAndItsDescendantsAndDeletesItsFolder() {
    Set<Long> before = ChildProcesses.alive();
    EmbeddedKafka kafka = EmbeddedKafka.start();
    long pid = kafka.pid();
    List<ProcessHandle> family = ProcessHandle.of(pid).orElseThrow().descendants().toList();
    assertThat(kafka.isRunning()).isTrue();
    assertThat(ChildProcesses.alive()).contains(pid);

    kafka.stop();

    assertThat(kafka.isRunning()).isFalse();
    assertThat(ChildProcesses.isAlive(pid)).as("broker JVM %d after stop()", pid).isFalse();
    assertThat(family).noneMatch(ProcessHandle::isAlive);
    assertThat(ChildProcesses.alive()).isSubsetOf(before);
    assertThat(kafka.dataDir()).doesNotExist();
    kafka.close(); // idempotent
  }

  @Test
  void aBrokerEndsItselfWhenItsParentJvmIsKilled() throws Exception {
    Path dataDir = killTheParentOfABroker();
    assertThat(Files.exists(dataDir)).as("orphaned broker's folder %s", dataDir).isFalse();
  }

  @Test
  void anOrphanedBrokerKeepsAFolderItWasToldToKeep(@TempDir Path kept) throws Exception {
    Path dataDir = killTheParentOfABroker(kept.resolve("broker").toString());
    assertThat(dataDir).isEqualTo(kept.resolve("broker"));
    assertThat(dataDir.resolve("server.properties"))
        .as("kept folder of the orphaned broker")
        .exists();
  }

  /**
   * Starts a broker from a parent JVM, SIGKILLs the parent, and returns the broker's folder once it
   * ended.
   */
  private static Path killTheParentOfABroker(String... parentArgs) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanedParent.class.getName()));
    command.addAll(List.of(parentArgs));
    Path parentErr = Files.createTempFile("orphaned-parent-", ".err");
    Process parent = new ProcessBuilder(command).redirectError(parentErr.toFile()).start();
    long brokerPid = -1;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      Matcher started = null;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = Pattern.compile("kafka pid=(\\d+) dir=(.+)").matcher(line);
        if (m.matches()) {
          started = m;
          break;
        }
      }
      parent.waitFor(started == null ? 10 : 0, TimeUnit.SECONDS);
      assertThat(started)
          .as("the parent JVM reported its broker; its stderr:%n%s", Files.readString(parentErr))
          .isNotNull();
      brokerPid = Long.parseLong(started.group(1));
      Path dataDir = Path.of(started.group(2));
      assertThat(ChildProcesses.isAlive(brokerPid)).isTrue();

      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs

      ProcessHandle broker = ProcessHandle.of(brokerPid).orElse(null);
      if (broker != null) {
        broker.onExit().get(15, TimeUnit.SECONDS);
      }
      assertThat(ChildProcesses.isAlive(brokerPid)).as("orphaned broker %d", brokerPid).isFalse();
      return dataDir;
    } finally {
      Files.deleteIfExists(parentErr);
      parent.destroyForcibly();
      if (brokerPid > 0) {
        ProcessHandle.of(brokerPid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }
}
