package dev.insight.streaming.local.stories;

import dev.insight.streaming.embedded.ShutdownOrder;
import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.pods.WorkDirs;
import java.nio.file.Path;

/**
 * One local cluster with the operator for the stories of this JVM that need nothing of their own
 * (their pipelines have distinct names): started on first use, stopped when the JVM exits, as the
 * shared servers are. Stories must not stop it.
 */
public final class SharedCluster {

  private static LocalCluster cluster;
  private static Path workDir;

  private SharedCluster() {}

  public static synchronized LocalCluster get() {
    if (cluster == null) {
      workDir = WorkDirs.forTest(SharedCluster.class);
      cluster = LocalCluster.start(LocalCluster.Options.defaults(workDir));
      LocalCluster started = cluster;
      // before the shared servers its pods use
      ShutdownOrder.register(ShutdownOrder.Stage.USERS, "shared-cluster-stop", started::close);
    }
    return cluster;
  }

  /** The shared cluster's folder: its node agent's pods are under {@code pods/}. */
  public static synchronized Path workDir() {
    get();
    return workDir;
  }
}
