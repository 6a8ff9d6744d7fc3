package dev.insight.streaming.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The folder holding etcd, kube-apiserver, kube-controller-manager and kubectl: {@code
 * KUBEBUILDER_ASSETS} when set (envtest's convention), else the folder {@code control-plane} built
 * them into, as recorded at build time.
 */
public record KubernetesBinaries(Path folder) {

  static final String ENV = "KUBEBUILDER_ASSETS";
  private static final String RECORD = "META-INF/streaming-pipeline/kubernetes.bin";
  private static final List<String> PROGRAMS =
      List.of("etcd", "kube-apiserver", "kube-controller-manager", "kubectl");

  /** Finds the binaries; the error says what to build or set. */
  public static KubernetesBinaries locate() {
    String assets = System.getenv(ENV);
    Path folder;
    String origin;
    if (assets != null && !assets.isBlank()) {
      folder = Path.of(assets);
      origin = ENV + "=" + assets;
    } else {
      folder = Path.of(recorded());
      origin = "the folder control-plane recorded (" + folder + ")";
    }
    for (String program : PROGRAMS) {
      Path file = folder.resolve(program);
      if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
        throw new EmbeddedServerException(
            EmbeddedKubernetes.SERVER
                + ": "
                + origin
                + " has no executable "
                + program
                + "; rebuild it with ./mvnw install -pl control-plane, or set "
                + ENV
                + " to a folder holding "
                + String.join(", ", PROGRAMS));
      }
    }
    return new KubernetesBinaries(folder);
  }

  public Path etcd() {
    return folder.resolve("etcd");
  }

  public Path apiServer() {
    return folder.resolve("kube-apiserver");
  }

  public Path controllerManager() {
    return folder.resolve("kube-controller-manager");
  }

  /** The kubectl built with the control plane, of the same version. */
  public Path kubectl() {
    return folder.resolve("kubectl");
  }

  private static String recorded() {
    try (InputStream in = KubernetesBinaries.class.getClassLoader().getResourceAsStream(RECORD)) {
      if (in == null) {
        throw new EmbeddedServerException(
            EmbeddedKubernetes.SERVER
                + ": resource "
                + RECORD
                + " is not on"
                + " the classpath; add the dependency dev.insight.streaming:control-plane and build"
                + " control-plane, or set "
                + ENV);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new EmbeddedServerException(
          EmbeddedKubernetes.SERVER + ": cannot read " + RECORD + ": " + e, e);
    }
  }
}
