package dev.insight.streaming.local.view;

import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.demo.DemoManifest;
import dev.insight.streaming.local.demo.EventProducer;
import dev.insight.streaming.local.demo.ServerAddresses;
import dev.insight.streaming.local.demo.ViewerToken;
import dev.insight.streaming.local.pods.WorkDirs;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What the web view costs the operator: the demo pipeline runs on the local cluster (the operator
 * in this JVM, the servers and pods in their own), and this JVM's CPU is read for a minute without
 * the view, then for a minute with the pipeline page open in headless Chromium (it refreshes every
 * five seconds), then again without. The operator's HTTP threads are read on their own too.
 *
 * <p>{@code ./mvnw -B -pl local-cluster -Pbench
 * -Dbench.main=dev.insight.streaming.local.view.ViewBenchmark test-compile exec:exec}
 */
public final class ViewBenchmark {

  static final Duration WINDOW = Duration.ofSeconds(60);

  public static void main(String[] args) {
    try {
      run();
      System.exit(0); // the shared servers stop in their shutdown hook
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  record Reading(long processNanos, long httpNanos, long wallNanos) {
    static Reading now() {
      return new Reading(
          ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos(),
          httpThreadsCpu(),
          System.nanoTime());
    }

    String since(Reading start) {
      double minutes = (wallNanos - start.wallNanos) / 60e9;
      return String.format(
          Locale.ROOT,
          "%.2f CPU-s per minute (operator's HTTP threads %.3f)",
          (processNanos - start.processNanos) / 1e9 / minutes,
          (httpNanos - start.httpNanos) / 1e9 / minutes);
    }
  }

  static long httpThreadsCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("operator-http")) {
        total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return total;
  }

  static void run() throws Exception {
    ServerAddresses servers =
        new ServerAddresses(
            SharedServers.kafka().bootstrapServers(),
            SharedServers.cassandra().contactPoint(),
            SharedServers.cassandra().localDatacenter(),
            SharedServers.mongo().connectionString());
    Path work = WorkDirs.forTest(ViewBenchmark.class);
    try (LocalCluster cluster =
        LocalCluster.start(LocalCluster.Options.defaults(work.resolve("cluster")))) {
      DemoManifest demo = DemoManifest.demo(cluster.client(), servers);
      StreamingPipeline pipeline = demo.apply(cluster.client());
      String token =
          ViewerToken.create(
              cluster.client(),
              pipeline.getMetadata().getNamespace(),
              "viewer",
              Duration.ofHours(1));
      try (EventProducer producer =
          new EventProducer(servers.bootstrapServers(), "demo.events", 300, 0, "v-").start()) {
        System.out.println("waiting for the demo pipeline to be Ready...");
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!ready(cluster, pipeline)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the demo pipeline was not Ready in 4 minutes");
          }
          Thread.sleep(1000);
        }
        System.out.println("Ready; settling for 30 s");
        Thread.sleep(30_000);

        Reading before = Reading.now();
        Thread.sleep(WINDOW.toMillis());
        Reading closed = Reading.now();
        String without = closed.since(before);
        System.out.println("without the view: " + without);

        String withView;
        try (Browser browser = Browser.start(work.resolve("chromium-profile"))) {
          ChromeDriver driver = browser.driver();
          driver.get(
              "http://"
                  + LocalCluster.HOST
                  + ":"
                  + cluster.operator().httpPort()
                  + "/view/pipeline.html?namespace="
                  + pipeline.getMetadata().getNamespace()
                  + "&name="
                  + pipeline.getMetadata().getName()
                  + "#token="
                  + token);
          long shown = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (driver.findElement(By.id("chart-lag")).getAttribute("data-last") == null
              || driver.findElement(By.id("chart-lag")).getAttribute("data-last").isEmpty()) {
            if (System.nanoTime() > shown) {
              throw new IllegalStateException("the pipeline page showed no lag chart in 30 s");
            }
            Thread.sleep(500);
          }
          Reading open = Reading.now();
          Thread.sleep(WINDOW.toMillis());
          withView = Reading.now().since(open);
          System.out.println("with the pipeline page open: " + withView);
        }
        Reading after = Reading.now();
        Thread.sleep(WINDOW.toMillis());
        String againWithout = Reading.now().since(after);
        System.out.println("without the view again: " + againWithout);
        System.out.println();
        System.out.println(
            "| operator JVM (with the local cluster's scheduler, node agent and the producer) | CPU |");
        System.out.println("|---|---|");
        System.out.println("| without the view | " + without + " |");
        System.out.println("| pipeline page open, refreshing every 5 s | " + withView + " |");
        System.out.println("| without the view again | " + againWithout + " |");
      } finally {
        cluster.client().resource(pipeline).delete();
      }
    }
  }

  static boolean ready(LocalCluster cluster, StreamingPipeline pipeline) {
    StreamingPipeline current = cluster.client().resource(pipeline).get();
    return current != null
        && current.getStatus() != null
        && current.getStatus().condition(Conditions.READY).map(Condition::isTrue).orElse(false);
  }
}
