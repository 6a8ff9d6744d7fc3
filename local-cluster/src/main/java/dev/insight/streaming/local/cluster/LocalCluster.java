package dev.insight.streaming.local.cluster;

import dev.insight.streaming.local.pods.JobRuntime;
import dev.insight.streaming.local.pods.PodRunner;
import dev.insight.streaming.operator.PipelineOperator;
import dev.insight.streaming.operator.config.OperatorSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes cluster on this machine: an in-memory API server (the fabric8 mock server in CRUD mode, plus
 * discovery, tables and pod logs for kubectl) with the StreamingPipeline CRD installed, a pod runner playing the
 * kubelet for driver pods, and the real operator running against it unchanged.
 */
public final class LocalCluster implements AutoCloseable {

  /** The CRD as generated into {@code crds/} and copied into this module's resources by the build. */
  static final String CRD_RESOURCE = "META-INF/streaming-pipeline/crds/streamingpipelines.streaming.insight.dev-v1.yml";
  public static final String HOST = "127.0.0.1";
  public static final String DEFAULT_NAMESPACE = "default";

  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  /** Held so the level sticks (JUL keeps loggers weakly): the mock server logs every request at INFO to stderr. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final PodRunner podRunner;
  private final ScheduledExecutorService housekeeping;
  private PipelineOperator operator;
  private boolean closed;

  /**
   * How to start a local cluster.
   *
   * @param apiPort the API server's port on 127.0.0.1; 0 picks a free one
   * @param workDir where pods get their folders and logs
   * @param operatorSettings the operator's settings (its health port, lag interval)
   * @param startOperator whether to start the operator (a cluster without it is only an API server and a kubelet)
   */
  public record Options(int apiPort, Path workDir, OperatorSettings operatorSettings, boolean startOperator) {

    public static Options defaults(Path workDir) {
      return new Options(0, workDir, OperatorSettings.defaults().withLagInterval(java.time.Duration.ofSeconds(2)),
          true);
    }

    public Options withApiPort(int port) {
      return new Options(port, workDir, operatorSettings, startOperator);
    }

    public Options withOperatorSettings(OperatorSettings settings) {
      return new Options(apiPort, workDir, settings, startOperator);
    }

    public Options withoutOperator() {
      return new Options(apiPort, workDir, operatorSettings, false);
    }
  }

  private LocalCluster(KubernetesMockServer server, KubernetesClient client, PodRunner podRunner,
      ScheduledExecutorService housekeeping) {
    this.server = server;
    this.client = client;
    this.podRunner = podRunner;
    this.housekeeping = housekeeping;
  }

  /**
   * Starts the API server, installs the CRD, starts the pod runner and then the operator.
   *
   * @throws LocalClusterException with one line saying what went wrong (a port taken, a missing CRD)
   */
  public static LocalCluster start(Options options) {
    requirePortFree(options.apiPort());
    CustomResourceDefinition crd = loadCrd();
    ApiDiscovery discovery = new ApiDiscovery();
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    LocalApiDispatcher dispatcher = new LocalApiDispatcher(new KubernetesMixedDispatcher(responses), discovery);
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
        new MockWebServer(), responses, dispatcher, false);
    try {
      server.start(InetAddress.getByName(HOST), options.apiPort());
    } catch (IOException | RuntimeException e) {
      throw new LocalClusterException("the local API server cannot listen on " + HOST + ":" + options.apiPort() + ": "
          + rootMessage(e), e);
    }
    // the mock server journals every request for its own tests' assertions; nobody reads it here, so drain it
    ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "local-api-journal-drain");
      t.setDaemon(true);
      return t;
    });
    housekeeping.scheduleWithFixedDelay(() -> drainJournal(server), 5, 5, TimeUnit.SECONDS);
    KubernetesClient client = client(server.getPort());
    PodRunner podRunner = null;
    LocalCluster cluster = null;
    try {
      client.resource(crd).create();
      discovery.addCustomResource(crd);
      for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
        dispatcher.printerColumns(crd.getSpec().getGroup(), version.getName(), crd.getSpec().getNames().getPlural(),
            new PrinterColumns(version.getAdditionalPrinterColumns()));
      }
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(DEFAULT_NAMESPACE).endMetadata()
          .build()).create();
      podRunner = new PodRunner(client, JobRuntime.recorded(), options.workDir());
      dispatcher.podLogs(podRunner::logFile);
      podRunner.start();
      cluster = new LocalCluster(server, client, podRunner, housekeeping);
      if (options.startOperator()) {
        cluster.operator = new PipelineOperator(client, options.operatorSettings()).start();
      }
      LOG.info("local cluster up: API server {}, pods under {}", cluster.apiUrl(), options.workDir());
      return cluster;
    } catch (RuntimeException e) {
      if (cluster != null) {
        cluster.close();
      } else {
        if (podRunner != null) {
          podRunner.close();
        }
        client.close();
        housekeeping.shutdownNow();
        server.shutdown();
      }
      throw e instanceof LocalClusterException ? e : new LocalClusterException("the local cluster did not start: "
          + rootMessage(e), e);
    }
  }

  /** A new client of this cluster (namespace {@value #DEFAULT_NAMESPACE}); the caller closes it. */
  public KubernetesClient newClient() {
    return client(server.getPort());
  }

  /** The cluster's own client, shared by the pod runner and the operator; do not close it. */
  public KubernetesClient client() {
    return client;
  }

  public String apiUrl() {
    return "http://" + HOST + ":" + server.getPort();
  }

  public int apiPort() {
    return server.getPort();
  }

  public PodRunner podRunner() {
    return podRunner;
  }

  /** The running operator; null when started without one. */
  public PipelineOperator operator() {
    return operator;
  }

  /** Writes a kubeconfig a real kubectl can use against this cluster; see the README for what works through it. */
  public Path writeKubeconfig(Path file) {
    String text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: streaming-pipeline-local
          cluster:
            server: %s
        users:
        - name: streaming-pipeline-local
          user:
            token: local
        contexts:
        - name: streaming-pipeline-local
          context:
            cluster: streaming-pipeline-local
            user: streaming-pipeline-local
            namespace: %s
        current-context: streaming-pipeline-local
        """.formatted(apiUrl(), DEFAULT_NAMESPACE);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new LocalClusterException("cannot write the kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }

  /** Stops the operator, then every pod's JVM (SIGTERM, grace, SIGKILL), then the API server. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (operator != null) {
        operator.close();
      }
    } catch (RuntimeException e) {
      LOG.warn("operator did not stop cleanly: {}", e.toString());
    } finally {
      podRunner.close();
      client.close();
      housekeeping.shutdownNow();
      server.shutdown();
      LOG.info("local cluster stopped");
    }
  }

  static KubernetesClient client(int port) {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl("http://" + HOST + ":" + port)
        .withNamespace(DEFAULT_NAMESPACE)
        .withHttp2Disable(true)
        .withRequestRetryBackoffLimit(3)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The printer columns of the StreamingPipeline CRD, as {@code kubectl get sp} shows them. */
  public static PrinterColumns printerColumns() {
    return new PrinterColumns(loadCrd().getSpec().getVersions().get(0).getAdditionalPrinterColumns());
  }

  static CustomResourceDefinition loadCrd() {
    try (InputStream in = LocalCluster.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new LocalClusterException(CRD_RESOURCE + " is not on the classpath; rebuild local-cluster");
      }
      return Serialization.unmarshal(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requirePortFree(int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(HOST, port));
    } catch (BindException e) {
      throw new LocalClusterException("port " + port + " on " + HOST + " is taken (another demo still running?);"
          + " choose another with --api-port, or 0 for any free port");
    } catch (IOException e) {
      throw new LocalClusterException("cannot check port " + port + ": " + e.getMessage(), e);
    }
  }

  private static void drainJournal(KubernetesMockServer server) {
    try {
      while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
        // dropped: only the mock's own tests read the journal
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
