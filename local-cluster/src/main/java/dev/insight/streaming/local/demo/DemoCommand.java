package dev.insight.streaming.local.demo;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.EmbeddedServerException;
import dev.insight.streaming.embedded.ShutdownOrder;
import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.cluster.LocalClusterException;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.driver.DriverNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The zero-setup demo: real Kafka, Cassandra and MongoDB-wire servers, the local cluster with the
 * real operator, one pipeline applied, sample events at a steady rate, and a live view until
 * Ctrl-C, which stops everything.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Runs a StreamingPipeline end to end on this machine: Kafka -> Spark -> Cassandra and MongoDB.")
public final class DemoCommand implements Callable<Integer> {

  @Option(
      names = {"-f", "--file"},
      description =
          "A manifest with one StreamingPipeline (and its Secrets); its"
              + " server addresses are rewritten to the local servers. Default: examples/demo-pipeline.yaml.")
  Path file;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Events per second the producer sends (default 200).")
  int rate;

  @Option(
      names = "--events",
      defaultValue = "0",
      description =
          "Pause the producer after this many events (0: never); Enter pauses and resumes too.")
  long events;

  @Option(
      names = "--kubeconfig",
      description =
          "Where to write the kubeconfig for kubectl (the cluster's"
              + " administrator, by client certificate). Default: kubeconfig in the work dir.")
  Path kubeconfig;

  @Option(
      names = "--work-dir",
      defaultValue = "demo-data",
      description = "Where logs and pod folders go; emptied at start (default: ./demo-data).")
  Path workDir;

  @Option(
      names = "--duration",
      description = "Stop by itself after this many seconds (default: run until Ctrl-C).")
  Long durationSeconds;

  @Option(
      names = "--plain",
      description = "Print a new view every few seconds instead of redrawing the screen.")
  boolean plain;

  private final PrintStream out = System.out;
  private volatile Running running;

  public static void main(String[] args) {
    // before the first logger exists: the operator's and servers' logs go to a file, the screen is
    // the view's
    Path log =
        Path.of(argValue(args, "--work-dir", "demo-data")).toAbsolutePath().resolve("demo.log");
    System.setProperty("demo.log.file", log.toString());
    System.setProperty("logback.configurationFile", "logback-demo.xml");
    System.exit(new CommandLine(new DemoCommand()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    String memory = MemoryCheck.problem(MemoryCheck.NEEDED_MIB);
    if (memory != null) {
      System.err.println("demo: " + memory);
      return 2;
    }
    if (rate <= 0) {
      System.err.println("demo: --rate must be positive, got " + rate);
      return 2;
    }
    if (file != null && !Files.isReadable(file)) {
      System.err.println("demo: cannot read " + file);
      return 2;
    }
    // Ctrl-C: the cluster's pods stop while the servers they write to still run, then the servers
    ShutdownOrder.Registration hook;
    try {
      hook = ShutdownOrder.register(ShutdownOrder.Stage.USERS, "demo-shutdown", this::stop);
    } catch (IllegalStateException e) {
      return 130; // Ctrl-C before the demo began
    }
    try {
      return run();
    } catch (LocalClusterException | EmbeddedServerException e) {
      System.err.println("demo: " + e.getMessage());
      return 1;
    } finally {
      stop();
      hook.cancel(); // after Ctrl-C the hook runs stop() too, which is idempotent
    }
  }

  private int run() throws InterruptedException {
    Instant start = Instant.now();
    DemoMilestones milestones = new DemoMilestones(start);
    Path work = prepare(workDir);
    out.println(
        "demo: starting Kafka, Cassandra and the MongoDB-wire server (logs in " + work + ")...");
    Running r = new Running();
    running = r;
    CompletableFuture<EmbeddedKafka> kafka = CompletableFuture.supplyAsync(EmbeddedKafka::start);
    CompletableFuture<EmbeddedCassandra> cassandra =
        CompletableFuture.supplyAsync(EmbeddedCassandra::start);
    r.mongo = EmbeddedMongo.start();
    r.kafka = join(kafka);
    r.cassandra = join(cassandra);
    ServerAddresses servers =
        new ServerAddresses(
            r.kafka.bootstrapServers(),
            r.cassandra.contactPoint(),
            r.cassandra.localDatacenter(),
            r.mongo.connectionString());
    out.println(
        "demo: servers up in "
            + ConsoleView.seconds(Duration.between(start, Instant.now()))
            + "; starting the local cluster and the operator...");
    r.cluster = LocalCluster.start(LocalCluster.Options.defaults(work.resolve("cluster")));
    milestones.serversUp(Instant.now());
    String kubeconfigPath =
        r.cluster
            .writeKubeconfig(kubeconfig == null ? work.resolve("kubeconfig") : kubeconfig)
            .toAbsolutePath()
            .toString();
    out.println(
        "demo: cluster up at "
            + r.cluster.apiUrl()
            + "; for kubectl: export KUBECONFIG="
            + kubeconfigPath);
    DemoManifest manifest =
        file == null
            ? DemoManifest.demo(r.cluster.client(), servers)
            : DemoManifest.file(r.cluster.client(), file, servers);
    Path applyFile = manifest.write(work.resolve("demo-pipeline.yaml"));
    StreamingPipeline applied = manifest.apply(r.cluster.client());
    String namespace = applied.getMetadata().getNamespace();
    String name = applied.getMetadata().getName();
    out.println(
        "demo: applied StreamingPipeline "
            + namespace
            + "/"
            + name
            + " (as written to "
            + applyFile
            + "; edit it and kubectl apply -f it); producing "
            + rate
            + " events/s");
    String viewerToken =
        ViewerToken.create(r.cluster.client(), namespace, "pipeline-viewer", Duration.ofHours(8));
    out.println(
        "demo: web view (ServiceAccount "
            + namespace
            + "/pipeline-viewer, token valid 8h): "
            + ViewerToken.url(r.cluster, viewerToken));
    String topic = applied.getSpec().getKafka().getTopics().get(0).getName();
    r.producer = new EventProducer(servers.bootstrapServers(), topic, rate, events, "evt-").start();
    r.counter = new SinkCounter(applied, servers);
    listenForEnter(r.producer);

    ConsoleView view = new ConsoleView();
    boolean redraw = !plain && System.console() != null;
    Instant deadline = durationSeconds == null ? null : start.plusSeconds(durationSeconds);
    long frame = 0;
    while ((deadline == null || Instant.now().isBefore(deadline)) && running == r) {
      Instant now = Instant.now();
      StreamingPipeline current;
      try {
        current =
            r.cluster
                .client()
                .resources(StreamingPipeline.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
      } catch (KubernetesClientException e) {
        if (running != r) {
          break; // Ctrl-C: the shutdown hook is stopping the cluster under this loop
        }
        out.println("demo: the API server did not answer (" + e.getMessage() + "); trying again");
        Thread.sleep(1000);
        continue;
      }
      var cassandraRows = r.counter.cassandraRows();
      var mongoDocs = r.counter.mongoDocuments();
      Long lagTotal =
          current == null || current.getStatus() == null || current.getStatus().getLag() == null
              ? null
              : current.getStatus().getLag().getTotal();
      String news =
          milestones.observe(
              now,
              cassandraRows,
              r.counter.cassandraTable() != null,
              mongoDocs,
              r.counter.mongoCollection() != null,
              lagTotal,
              r.producer);
      String driverLog =
          current == null || current.getStatus() == null || current.getStatus().getDriver() == null
              ? null
              : r.cluster
                  .podRunner()
                  .logFile(namespace, current.getStatus().getDriver().getPodName())
                  .map(Path::toString)
                  .orElse(null);
      List<List<String>> table =
          ServerTable.of(
              r.cluster.client(),
              HasMetadata.getGroup(StreamingPipeline.class),
              HasMetadata.getVersion(StreamingPipeline.class),
              HasMetadata.getPlural(StreamingPipeline.class),
              namespace,
              name);
      String podSelector = DriverNames.PIPELINE_LABEL + "=" + name;
      List<List<String>> pods = ServerTable.pods(r.cluster.client(), namespace, podSelector);
      ConsoleView.Frame f =
          new ConsoleView.Frame(
              current,
              table,
              podSelector,
              pods,
              r.producer,
              cassandraRows,
              r.counter.cassandraTable(),
              mongoDocs,
              r.counter.mongoCollection(),
              milestones,
              r.cluster.apiUrl(),
              kubeconfigPath,
              driverLog,
              now);
      if (redraw) {
        out.print("\033[H\033[2J" + view.render(f));
        out.flush();
      } else if (news != null || frame % 10 == 0) {
        out.println("---- " + now + "\n" + view.render(f));
      }
      if (news != null) {
        out.println(news);
      }
      frame++;
      Thread.sleep(1000);
    }
    out.println("demo: " + milestones.describe(Instant.now()));
    return 0;
  }

  /**
   * Stops the producer, then the cluster (operator, then driver JVMs gracefully), then the servers.
   * Idempotent.
   */
  private void stop() {
    Running r = running;
    running = null;
    if (r == null) {
      return;
    }
    out.println("demo: stopping...");
    close(r.producer);
    close(r.counter);
    close(r.cluster);
    close(r.kafka);
    close(r.cassandra);
    close(r.mongo);
    out.println("demo: stopped; nothing left running");
  }

  private static void close(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      System.err.println("demo: while stopping " + closeable + ": " + e.getMessage());
    }
  }

  private void listenForEnter(EventProducer producer) {
    Thread t =
        new Thread(
            () -> {
              try {
                InputStream in = System.in;
                int c;
                while ((c = in.read()) >= 0) {
                  if (c == '\n') {
                    producer.toggle();
                  }
                }
              } catch (IOException e) {
                // no keyboard: the producer runs on its own
              }
            },
            "demo-keyboard");
    t.setDaemon(true);
    t.start();
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static Path prepare(Path dir) {
    Path abs = dir.toAbsolutePath();
    try {
      if (Files.isDirectory(abs)) {
        try (Stream<Path> old = Files.list(abs)) {
          for (Path p : old.filter(p -> !p.getFileName().toString().equals("demo.log")).toList()) {
            deleteTree(p);
          }
        }
      }
      return Files.createDirectories(abs);
    } catch (IOException e) {
      throw new LocalClusterException(
          "cannot prepare the work dir " + abs + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String argValue(String[] args, String option, String fallback) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(option) && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith(option + "=")) {
        return args[i].substring(option.length() + 1);
      }
    }
    return fallback;
  }

  /** What the demo started, to stop in reverse. */
  private static final class Running {
    EmbeddedKafka kafka;
    EmbeddedCassandra cassandra;
    EmbeddedMongo mongo;
    LocalCluster cluster;
    EventProducer producer;
    SinkCounter counter;
  }
}
