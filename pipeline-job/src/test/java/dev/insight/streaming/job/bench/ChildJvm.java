package dev.insight.streaming.job.bench;

import dev.insight.streaming.embedded.ShutdownOrder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One measured JVM of the benchmark (the job or a baseline): same flags on both sides, its output
 * in {@code target/bench-logs}, its CPU time read from the operating system, and never left
 * running.
 */
final class ChildJvm implements AutoCloseable {

  private static final Path LOGS = Path.of("target", "bench-logs");

  private final String name;
  private final Process process;
  private final Path log;
  private final ShutdownOrder.Registration stopAtExit;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    // a benchmark stopped with Ctrl-C stops its measured JVM before the servers it uses
    this.stopAtExit =
        ShutdownOrder.register(
            ShutdownOrder.Stage.USERS, name, () -> process.destroyForcibly().onExit().join());
  }

  /**
   * Starts {@code mainClass} on this JVM's class path with the JVM flags every measured side gets:
   * the same heap, Spark's module openings, and a JFR recording when {@code -Dbench.jfr=<dir>} is
   * set.
   */
  static ChildJvm start(
      String name, String mainClass, List<String> args, Map<String, String> environment)
      throws IOException {
    Files.createDirectories(LOGS);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(moduleFlags());
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null && !jfr.isBlank()) {
      Files.createDirectories(Path.of(jfr));
      command.add(
          "-XX:StartFlightRecording=settings=profile,filename="
              + Path.of(jfr, name + ".jfr").toAbsolutePath());
    }
    String flags = System.getProperty("bench.jvmFlags", "");
    if (!flags.isBlank()) {
      command.addAll(List.of(flags.trim().split("\\s+")));
    }
    command.add("-Dspark.master=local[2]");
    command.add("-Dspark.driver.host=127.0.0.1");
    command.add("-Dspark.ui.enabled=false");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Path log = LOGS.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    builder.environment().putAll(environment);
    return new ChildJvm(name, builder.start(), log);
  }

  // the flags Spark needs on Java 17, as this benchmark's own JVM got them from the pom
  private static List<String> moduleFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(
            a ->
                a.startsWith("--add-opens")
                    || a.startsWith("-Djdk.reflect")
                    || a.equals("-XX:+IgnoreUnrecognizedVMOptions"))
        .toList();
  }

  /** User plus system CPU time of the JVM so far, as the kernel accounts it (/proc/PID/stat). */
  Duration cpu() {
    return process
        .toHandle()
        .info()
        .totalCpuDuration()
        .orElseThrow(
            () -> new IllegalStateException(name + " has no CPU time to read; log: " + log));
  }

  /**
   * CPU time by thread name so far (digits folded, so a pool's threads add up), from the kernel's
   * per-thread accounting: where the time went, JIT compilers and garbage collectors included.
   */
  Map<String, Duration> cpuByThread() {
    Map<String, Duration> byName = new java.util.TreeMap<>();
    long hz = 100; // USER_HZ: the unit of /proc times on Linux
    try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name =
              Files.readString(task.resolve("comm")).trim().replaceAll("(?<=[#-])[0-9]+", "#");
          String stat = Files.readString(task.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
          byName.merge(name, Duration.ofMillis(ticks * 1000 / hz), Duration::plus);
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return byName;
  }

  /** Where the JVM's output goes. */
  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Fails with the log's place when the JVM ended before it was asked to. */
  void checkRunning() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          name
              + " exited with code "
              + process.exitValue()
              + " before its work was done; log: "
              + log);
    }
  }

  /** SIGTERM, then up to 90 s for a graceful stop. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException(name + " did not stop within 90 s of SIGTERM; log: " + log);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    stopAtExit.cancel();
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
