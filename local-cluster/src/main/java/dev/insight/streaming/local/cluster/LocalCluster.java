package dev.insight.streaming.local.cluster;

import dev.insight.streaming.embedded.EmbeddedKubernetes;
import dev.insight.streaming.embedded.EmbeddedServerException;
import dev.insight.streaming.local.pods.JobRuntime;
import dev.insight.streaming.local.pods.KubeletEndpoint;
import dev.insight.streaming.local.pods.PodRunner;
import dev.insight.streaming.operator.PipelineOperator;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.rbac.OperatorAccess;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-node Kubernetes cluster on this machine: a real control plane (etcd, kube-apiserver and
 * kube-controller-manager, built from source; see {@link EmbeddedKubernetes}) with the
 * StreamingPipeline CRD installed, a scheduling step binding pods to the node, a node agent doing a
 * kubelet's part for driver pods (child JVMs, pod status, graceful deletion, {@code kubectl logs}),
 * and the real operator running against it unchanged. Each part acts with its own identity: the
 * scheduler as {@code system:kube-scheduler}, the node agent as {@code system:node:local}, the
 * operator and the user as the cluster's administrator.
 */
public final class LocalCluster implements AutoCloseable {

  /** The taint the API server's TaintNodesByCondition admission gives a new Node. */
  static final String NOT_READY_TAINT = "node.kubernetes.io/not-ready";

  /**
   * The CRD as generated into {@code crds/} and copied into this module's resources by the build.
   */
  static final String CRD_RESOURCE =
      "META-INF/streaming-pipeline/crds/streamingpipelines.streaming.insight.dev-v1.yml";

  public static final String HOST = "127.0.0.1";
  public static final String DEFAULT_NAMESPACE = "default";

  /**
   * The web view's viewers' ClusterRole, as the chart names it for a release called {@code local}.
   */
  public static final String RESULTS_VIEWER_CLUSTER_ROLE =
      "streaming-pipeline-operator-results-viewer";

  private static final Duration CRD_ESTABLISHED = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

  private final EmbeddedKubernetes controlPlane;
  private final KubernetesClient client;
  private final KubernetesClient schedulerClient;
  private final KubernetesClient nodeClient;
  private LocalScheduler scheduler;
  private PodRunner podRunner;
  private KubeletEndpoint kubelet;
  private PipelineOperator operator;
  private String driverClusterRole;
  private boolean closed;

  /**
   * How to start a local cluster.
   *
   * @param workDir where pods get their folders and logs
   * @param operatorSettings the operator's settings (its health port, lag interval)
   * @param startOperator whether to start the operator (a cluster without it is a control plane and
   *     a node)
   */
  public record Options(Path workDir, OperatorSettings operatorSettings, boolean startOperator) {

    public static Options defaults(Path workDir) {
      return new Options(
          workDir, OperatorSettings.defaults().withLagInterval(Duration.ofSeconds(2)), true);
    }

    public Options withoutOperator() {
      return new Options(workDir, operatorSettings, false);
    }
  }

  private LocalCluster(EmbeddedKubernetes controlPlane) {
    this.controlPlane = controlPlane;
    this.client = client(controlPlane.kubeconfig());
    this.schedulerClient = client(controlPlane.kubeconfigFor("system:kube-scheduler"));
    this.nodeClient =
        client(controlPlane.kubeconfigFor("system:node:" + PodRunner.NODE_NAME, "system:nodes"));
  }

  /**
   * Starts the control plane, installs the CRD, registers the node, installs the driver
   * ClusterRole, then starts the operator.
   *
   * @throws LocalClusterException with one line saying what went wrong (binaries not built, a
   *     missing CRD)
   */
  public static LocalCluster start(Options options) {
    CustomResourceDefinition crd = loadCrd();
    EmbeddedKubernetes controlPlane;
    try {
      controlPlane = EmbeddedKubernetes.start();
    } catch (EmbeddedServerException e) {
      throw new LocalClusterException(e.getMessage(), e);
    }
    LocalCluster cluster = null;
    try {
      cluster = new LocalCluster(controlPlane);
      cluster.client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      cluster
          .client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              LocalCluster::established, CRD_ESTABLISHED.toSeconds(), TimeUnit.SECONDS);
      cluster.scheduler = new LocalScheduler(cluster.schedulerClient, PodRunner.NODE_NAME).start();
      cluster.podRunner =
          new PodRunner(
              cluster.nodeClient, JobRuntime.recorded(), options.workDir(), controlPlane.url());
      cluster.kubelet =
          KubeletEndpoint.start(
              controlPlane.kubeletServerTls(PodRunner.NODE_NAME),
              cluster.podRunner,
              EmbeddedKubernetes.KUBELET_CLIENT_USER);
      cluster.podRunner.register(cluster.kubelet.port()).start();
      cluster.untaintReadyNode();
      // what the chart installs besides the operator: the one ClusterRole every driver is bound to
      cluster.driverClusterRole = options.operatorSettings().driverClusterRole();
      cluster.client.resource(OperatorAccess.driverClusterRole(cluster.driverClusterRole)).create();
      // and the viewers' ClusterRole of the web view
      cluster
          .client
          .resource(OperatorAccess.resultsViewerClusterRole(RESULTS_VIEWER_CLUSTER_ROLE))
          .create();
      if (options.startOperator()) {
        cluster.operator = new PipelineOperator(cluster.client, options.operatorSettings()).start();
      }
      LOG.info(
          "local cluster up: API server {}, pods under {}", cluster.apiUrl(), options.workDir());
      return cluster;
    } catch (RuntimeException e) {
      if (cluster != null) {
        cluster.close();
      } else {
        controlPlane.stop();
      }
      throw e instanceof LocalClusterException
          ? e
          : new LocalClusterException("the local cluster did not start: " + rootMessage(e), e);
    }
  }

  /**
   * A new administrator's client of this cluster (namespace {@value #DEFAULT_NAMESPACE}); the
   * caller closes it.
   */
  public KubernetesClient newClient() {
    return client(controlPlane.kubeconfig());
  }

  /**
   * A new client acting as {@code user} in {@code groups} (a client certificate); the caller closes
   * it.
   */
  public KubernetesClient clientAs(String user, String... groups) {
    return client(controlPlane.kubeconfigFor(user, groups));
  }

  /** The cluster's own administrator client, shared with the operator; do not close it. */
  public KubernetesClient client() {
    return client;
  }

  public String apiUrl() {
    return controlPlane.url();
  }

  /** The control plane under this cluster (its binaries include kubectl). */
  public EmbeddedKubernetes controlPlane() {
    return controlPlane;
  }

  public PodRunner podRunner() {
    return podRunner;
  }

  /**
   * The ClusterRole every pipeline's driver ServiceAccount is bound to (installed at start, as the
   * chart does).
   */
  public String driverClusterRole() {
    return driverClusterRole;
  }

  /** The running operator; null when started without one. */
  public PipelineOperator operator() {
    return operator;
  }

  /**
   * Writes the administrator's kubeconfig (client certificate and key, the cluster CA) where
   * kubectl can use it; the file holds a private key, so only its owner may read it.
   */
  public Path writeKubeconfig(Path file) {
    try {
      return OwnerOnlyFile.write(file, Files.readString(controlPlane.kubeconfig()));
    } catch (IOException e) {
      throw new LocalClusterException("cannot read " + controlPlane.kubeconfig() + ": " + e, e);
    }
  }

  /**
   * Stops the operator, then every pod's JVM (SIGTERM, grace, SIGKILL), then the node's endpoint,
   * the scheduler and the control plane. Idempotent.
   */
  /**
   * The node lifecycle controller's part, which this cluster does not run (it would evict pods of a
   * node without lease heartbeats): the API server's TaintNodesByCondition admission gives a new
   * Node the {@value #NOT_READY_TAINT} NoSchedule taint, and the node, now Ready, loses it, so pods
   * that tolerate no taint are scheduled, as on a real cluster once its node is Ready.
   */
  private void untaintReadyNode() {
    client
        .nodes()
        .withName(PodRunner.NODE_NAME)
        .edit(
            node -> {
              if (node.getSpec() != null && node.getSpec().getTaints() != null) {
                node.getSpec()
                    .setTaints(
                        node.getSpec().getTaints().stream()
                            .filter(t -> !NOT_READY_TAINT.equals(t.getKey()))
                            .toList());
              }
              return node;
            });
  }

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
      closeQuietly(podRunner);
      closeQuietly(kubelet);
      closeQuietly(scheduler);
      closeQuietly(nodeClient);
      closeQuietly(schedulerClient);
      closeQuietly(client);
      controlPlane.stop();
      LOG.info("local cluster stopped");
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("{} did not stop cleanly: {}", closeable, e.toString());
    }
  }

  static KubernetesClient client(Path kubeconfig) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      config.setNamespace(DEFAULT_NAMESPACE);
      config.setRequestRetryBackoffLimit(3);
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + kubeconfig, e);
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static CustomResourceDefinition loadCrd() {
    try (InputStream in = LocalCluster.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new LocalClusterException(
            CRD_RESOURCE + " is not on the classpath; rebuild local-cluster");
      }
      return Serialization.unmarshal(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
