package dev.insight.streaming.job.story;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The job as a child JVM (local[2]), the way a driver pod runs it: SIGKILL, SIGTERM, exit code and
 * log file.
 */
final class JobProcess implements AutoCloseable {

  private static final Path LOG_DIR = Path.of(System.getProperty("job.log.dir", "target/job-logs"));

  private final Process process;
  private final Path log;

  private JobProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static JobProcess start(Path config, Map<String, String> environment, String logName) {
    try {
      Files.createDirectories(LOG_DIR);
      Path log = LOG_DIR.resolve(logName + ".log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          Arrays.asList(System.getProperty("spark.java17.flags", "").trim().split("\\s+")));
      command.addAll(
          List.of(
              "-Xmx768m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Dspark.master=local[2]",
              "-Dspark.driver.host=127.0.0.1",
              "-Dspark.sql.shuffle.partitions=2",
              "-cp",
              System.getProperty("java.class.path"),
              JobUnderParentWatch.class.getName(),
              config.toString()));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      builder.environment().putAll(environment);
      return new JobProcess(builder.start(), log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the job", e);
    }
  }

  /** SIGKILL: no hook, no graceful anything. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then the exit code once the job has stopped. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the job did not stop within 90 s of SIGTERM; log: " + log);
    }
    return process.exitValue();
  }

  /** The exit code once the job has ended on its own, waiting up to the timeout. */
  int awaitExit(java.time.Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the job did not exit within " + timeout + "; log: " + log());
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
