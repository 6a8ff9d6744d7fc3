package dev.insight.streaming.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One server process started by this JVM (a JVM launched through {@link ParentWatchdog}, or a
 * native program launched through {@code orphan-guard.sh}, the same watch as a shell script),
 * logging to a file, stopped gracefully then forcibly together with its descendants, and never
 * outliving this JVM.
 */
final class ChildProcess {

  /** Lines of the server's log quoted in start failures. */
  static final int LOG_TAIL_LINES = 30;

  private static final Duration GRACEFUL_STOP =
      Duration.ofSeconds(Long.getLong("embedded.stopGraceSeconds", 15));

  private final String server;
  private final Process process;
  private final Path logFile;
  private final ShutdownOrder.Registration atExit;

  private ChildProcess(String server, Process process, Path logFile) {
    this.server = server;
    this.process = process;
    this.logFile = logFile;
    // after whatever uses the server (a driver pod storing its offsets) has stopped
    this.atExit = ShutdownOrder.register(ShutdownOrder.Stage.SERVERS, "stop " + server, this::stop);
  }

  /**
   * What a child JVM runs: the server's main class, its arguments, JVM options and classpath. The
   * child deletes {@code workDir} when its parent vanishes only if {@code temporaryWorkDir}: a
   * folder the caller asked to keep is kept.
   */
  record Launch(
      String server,
      Path java,
      List<Path> classpath,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      Path workDir,
      boolean temporaryWorkDir,
      Path logFile) {}

  /** Starts the child; the caller owns it and must stop it. */
  static ChildProcess launch(Launch launch) {
    if (!Files.isRegularFile(launch.java()) || !Files.isExecutable(launch.java())) {
      throw new EmbeddedServerException(
          launch.server()
              + ": no Java executable at "
              + launch.java()
              + "; point javaCommand(...) at a JDK 17's bin/java, or run with a full JDK (java.home)");
    }
    Path watchdogDir = installWatchdog(launch.workDir());
    List<String> command = new ArrayList<>();
    command.add(launch.java().toString());
    command.addAll(launch.jvmOptions());
    command.add("-D" + ParentWatchdog.PARENT_PID + "=" + ProcessHandle.current().pid());
    if (launch.temporaryWorkDir()) {
      command.add("-D" + ParentWatchdog.ORPHAN_DIR + "=" + launch.workDir());
    }
    command.add("-cp");
    command.add(
        watchdogDir
            + java.io.File.pathSeparator
            + launch.classpath().stream()
                .map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator)));
    command.add(ParentWatchdog.class.getName());
    command.add(launch.mainClass());
    command.addAll(launch.args());
    ProcessBuilder builder =
        new ProcessBuilder(OwnSession.of(command))
            .directory(launch.workDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(launch.logFile().toFile()));
    // stdin stays a pipe on purpose: the watchdog halts the child when this JVM's end of it closes
    try {
      return new ChildProcess(launch.server(), builder.start(), launch.logFile());
    } catch (IOException e) {
      throw new EmbeddedServerException(
          launch.server() + ": cannot launch " + launch.java() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts a native program (etcd, kube-apiserver, ...) under {@code orphan-guard.sh}, which stops
   * it when this JVM's end of its standard input closes or this JVM's PID disappears, and then
   * deletes {@code orphanDir} if given; the caller owns it and must stop it.
   */
  static ChildProcess launchProgram(
      String server, List<String> command, Path workDir, Path orphanDir, Path logFile) {
    Path program = Path.of(command.get(0));
    if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
      throw new EmbeddedServerException(server + ": no executable at " + program);
    }
    Path guard = installResource(workDir, "orphan-guard.sh");
    List<String> guarded =
        new ArrayList<>(
            List.of("bash", guard.toString(), Long.toString(ProcessHandle.current().pid())));
    guarded.addAll(command);
    ProcessBuilder builder =
        new ProcessBuilder(OwnSession.of(guarded))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    if (orphanDir != null) {
      builder.environment().put("ORPHAN_DIR", orphanDir.toString());
    }
    try {
      return new ChildProcess(server, builder.start(), logFile);
    } catch (IOException e) {
      throw new EmbeddedServerException(
          server + ": cannot launch " + program + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs a short-lived tool in a child JVM to completion; a non-zero exit or a timeout is a start
   * failure.
   */
  static void runToCompletion(Launch launch, Duration timeout) {
    ChildProcess tool = launch(launch);
    try {
      if (!tool.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        tool.stop();
        throw new EmbeddedServerException(
            launch.server()
                + ": "
                + launch.mainClass()
                + " did not finish within "
                + timeout.toSeconds()
                + " s"
                + tool.logTailMessage());
      }
      int exit = tool.process.exitValue();
      tool.stop();
      if (exit != 0) {
        throw new EmbeddedServerException(
            launch.server()
                + ": "
                + launch.mainClass()
                + " exited with code "
                + exit
                + tool.logTailMessage());
      }
    } catch (InterruptedException e) {
      tool.stop();
      Thread.currentThread().interrupt();
      throw new EmbeddedServerException(
          launch.server() + ": interrupted while running " + launch.mainClass(), e);
    }
  }

  /** A real round trip with the server, tried until it succeeds; exceptions mean "not yet". */
  @FunctionalInterface
  interface ReadinessProbe {
    void check(Duration remaining) throws Exception;
  }

  /**
   * Waits until the probe succeeds. On failure (the child died, the timeout passed) stops the child
   * and throws an error with the cause and the log's tail.
   */
  void awaitReady(Duration timeout, ReadinessProbe probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception lastFailure = null;
    while (true) {
      if (!process.isAlive()) {
        int exit = process.exitValue();
        stop();
        throw new EmbeddedServerException(
            server
                + " exited with code "
                + exit
                + " while starting"
                + recognisedCause()
                + logTailMessage());
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        stop();
        throw new EmbeddedServerException(
            server
                + " was not ready within "
                + timeout.toSeconds()
                + " s"
                + " (raise it with -Dembedded.startTimeoutSeconds=N)"
                + (lastFailure == null ? "" : "; last readiness check failed with: " + lastFailure)
                + logTailMessage(),
            lastFailure);
      }
      try {
        probe.check(Duration.ofNanos(remaining));
        return;
      } catch (InterruptedException e) {
        stop();
        Thread.currentThread().interrupt();
        throw new EmbeddedServerException(
            server + ": interrupted while waiting for it to start", e);
      } catch (Exception e) {
        lastFailure = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        stop();
        Thread.currentThread().interrupt();
        throw new EmbeddedServerException(
            server + ": interrupted while waiting for it to start", e);
      }
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isRunning() {
    return process.isAlive();
  }

  /**
   * Stops the child: SIGTERM, a grace period, then SIGKILL, for the child and every descendant.
   * Idempotent.
   */
  synchronized void stop() {
    List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
    family.add(process.toHandle());
    family.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      for (ProcessHandle member : family) {
        if (member.isAlive()) {
          member.destroyForcibly();
          member.onExit().get(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      family.forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      family.forEach(ProcessHandle::destroyForcibly);
    }
    closeQuietly(process.getOutputStream());
    closeQuietly(process.getInputStream());
    atExit.cancel();
  }

  Path logFile() {
    return logFile;
  }

  /**
   * SIGKILL for the child and every descendant, no grace: what a crashed machine or the OOM killer
   * does. Returns once they are gone. Idempotent, and it does not wait for a graceful {@link
   * #stop()} running meanwhile: it cuts that short.
   */
  void kill() {
    List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
    family.add(process.toHandle());
    family.forEach(ProcessHandle::destroyForcibly);
    synchronized (this) {
      try {
        for (ProcessHandle member : family) {
          member.onExit().get(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // gone or unkillable; either way nothing more can be done here
      }
      closeQuietly(process.getOutputStream());
      closeQuietly(process.getInputStream());
      atExit.cancel();
    }
  }

  /** The child's resident set size in bytes (Linux {@code /proc}), or -1 where unknown. */
  long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /** The last lines of the server's log, formatted for an error message. */
  String logTailMessage() {
    List<String> tail = logTail(logFile, LOG_TAIL_LINES);
    if (tail.isEmpty()) {
      return "\n(its log " + logFile + " is empty)";
    }
    return "\nlast " + tail.size() + " lines of " + logFile + ":\n  " + String.join("\n  ", tail);
  }

  /**
   * The likely cause, from the log: a stack trace's tail alone rarely shows the line that explains
   * it.
   */
  private String recognisedCause() {
    List<String> lines = logTail(logFile, 2000);
    String log = String.join("\n", lines);
    if (log.contains("Address already in use")) {
      return ": a port it needs is already in use (see the log below)";
    }
    if (log.contains("OutOfMemoryError")) {
      return ": out of memory (raise its heap)";
    }
    return lines.stream()
        // Java servers log " ERROR ", Go programs (klog) start an error line with E and the date
        .filter(
            line ->
                line.contains(" ERROR ")
                    || line.startsWith("Exception")
                    || line.matches("^E\\d{4} .*"))
        .findFirst()
        .map(line -> "; first error in its log: " + line.strip())
        .orElse("");
  }

  static List<String> logTail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long length = raf.length();
      int window = (int) Math.min(length, 256 * 1024);
      byte[] bytes = new byte[window];
      raf.seek(length - window);
      raf.readFully(bytes);
      List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\\R"));
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException e) {
      return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
    }
  }

  /** Copies one resource of this package into {@code workDir}; returns the written file. */
  private static Path installResource(Path workDir, String name) {
    Path target = workDir.resolve(name);
    try (InputStream in = ChildProcess.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " not found beside " + ChildProcess.class.getName());
      }
      Files.createDirectories(workDir);
      Files.write(target, in.readAllBytes());
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  /**
   * Copies the watchdog's single class file into the child's work dir, so no jar of ours joins its
   * classpath.
   */
  private static Path installWatchdog(Path workDir) {
    String classFile = ParentWatchdog.class.getName().replace('.', '/') + ".class";
    Path root = workDir.resolve("watchdog-classes");
    Path target = root.resolve(classFile);
    try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(classFile)) {
      if (in == null) {
        throw new IllegalStateException(
            classFile + " not found by " + ParentWatchdog.class.getClassLoader());
      }
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // the child is gone; nothing to flush
    }
  }
}
