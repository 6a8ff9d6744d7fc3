package dev.insight.streaming.embedded;

import java.nio.file.Path;

/**
 * A parent JVM for {@link ServerLifecycleTest}: starts a broker (in the folder given as the
 * argument, if any) or, given {@code kubernetes}, a control plane, reports it, then waits to be
 * killed.
 */
public final class OrphanedParent {

  private OrphanedParent() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && args[0].equals("kubernetes")) {
      EmbeddedKubernetes kubernetes = EmbeddedKubernetes.start();
      System.out.println(
          "kubernetes pids="
              + kubernetes.pids().stream()
                  .map(String::valueOf)
                  .collect(java.util.stream.Collectors.joining(","))
              + " dir="
              + kubernetes.dataDir());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
    EmbeddedKafka kafka =
        args.length > 0
            ? EmbeddedKafka.builder().dataDir(Path.of(args[0])).start()
            : EmbeddedKafka.start();
    System.out.println("kafka pid=" + kafka.pid() + " dir=" + kafka.dataDir());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
