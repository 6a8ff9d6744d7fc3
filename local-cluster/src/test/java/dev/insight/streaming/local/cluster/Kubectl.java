package dev.insight.streaming.local.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kubectl binary built by the control-plane step, run as a user runs it: {@code KUBECONFIG} set
 * to the cluster's kubeconfig, arguments as typed, output and exit code as the user sees them.
 */
public final class Kubectl {

  /** What one kubectl command printed and returned. */
  public record Result(int exitCode, String out, String err) {
    public Result expectSuccess(String... args) {
      if (exitCode != 0) {
        throw new AssertionError(
            "kubectl " + String.join(" ", args) + " exited " + exitCode + ":\n" + out + err);
      }
      return this;
    }
  }

  private final Path binary;
  private final Path kubeconfig;
  private final Path workDir;

  public Kubectl(Path binary, Path kubeconfig, Path workDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.workDir = workDir;
  }

  public static Kubectl of(LocalCluster cluster, Path workDir) {
    Path kubeconfig = cluster.writeKubeconfig(workDir.resolve("kubeconfig"));
    return new Kubectl(cluster.controlPlane().binaries().kubectl(), kubeconfig, workDir);
  }

  /** Runs to the end (at most {@code timeoutSeconds}); the result, whatever the exit code. */
  public Result run(long timeoutSeconds, String... args) {
    try {
      Path out = Files.createTempFile(workDir, "kubectl", ".out");
      Path err = Files.createTempFile(workDir, "kubectl", ".err");
      Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(
            "kubectl "
                + String.join(" ", args)
                + " did not return within "
                + timeoutSeconds
                + " s:\n"
                + Files.readString(out)
                + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Runs to the end within 60 s and expects exit code 0; its standard output. */
  public String ok(String... args) {
    return run(60, args).expectSuccess(args).out();
  }

  /**
   * Starts a long-running command (a watch, {@code logs -f}) writing into {@code output}; the
   * caller stops it.
   */
  public Process start(Path output, String... args) {
    try {
      return builder(args).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProcessBuilder builder(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    return builder;
  }

  public static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
