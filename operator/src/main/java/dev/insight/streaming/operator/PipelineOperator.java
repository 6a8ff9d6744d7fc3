package dev.insight.streaming.operator;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.validation.SpecProblem;
import dev.insight.streaming.operator.api.validation.SpecValidator;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.driver.DriverStep;
import dev.insight.streaming.operator.http.HealthAndMetricsServer;
import dev.insight.streaming.operator.kafka.KafkaClusters;
import dev.insight.streaming.operator.lag.LagMonitor;
import dev.insight.streaming.operator.reconciler.PipelineStep;
import dev.insight.streaming.operator.reconciler.StreamingPipelineReconciler;
import dev.insight.streaming.operator.secrets.SecretResolver;
import dev.insight.streaming.operator.sinksetup.SinkConnections;
import dev.insight.streaming.operator.sinksetup.SinkStep;
import dev.insight.streaming.operator.status.EventRecorder;
import dev.insight.streaming.operator.status.PhaseRule;
import dev.insight.streaming.operator.status.StatusWriter;
import dev.insight.streaming.operator.topics.TopicStep;
import dev.insight.streaming.operator.view.SinkRows;
import dev.insight.streaming.operator.view.ViewAccess;
import dev.insight.streaming.operator.view.WebView;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running operator: the JOSDK runtime with server-side apply off for the primary resource (its
 * finalizer is added by a merge patch: the local cluster's API server does not support server-side
 * apply yet, and one setting serves every place the operator runs), the pipeline reconciler and its
 * steps, the shared Kafka and sink connections and the status writer (which the lag monitor uses
 * too), its health and metrics endpoint, and optional leader election. It owns and closes
 * everything it creates except the Kubernetes client.
 */
public final class PipelineOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineOperator.class);

  private final OperatorSettings settings;
  private final KubernetesClient client;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Operator operator;
  private final Clock clock = Clock.systemUTC();
  private final SecretResolver secrets;
  private final KafkaClusters kafkaClusters;
  private final SinkConnections sinkConnections;
  private final EventRecorder events;
  private final StatusWriter statusWriter;
  private final LagMonitor lagMonitor;
  private final WebView view;
  private volatile boolean leading;
  private HealthAndMetricsServer http;
  private volatile boolean closing;
  private volatile boolean leaseLost;
  private volatile boolean informerFailed;

  public PipelineOperator(KubernetesClient client, OperatorSettings settings) {
    this.client = client;
    this.settings = settings;
    this.secrets = new SecretResolver(client);
    this.kafkaClusters = new KafkaClusters(secrets, clock);
    this.sinkConnections = new SinkConnections(secrets, clock, settings.mongoAuthMechanisms());
    this.events = new EventRecorder(client, clock);
    List<PipelineStep> steps = steps();
    this.statusWriter =
        new StatusWriter(
            client,
            events,
            new PhaseRule(steps.stream().map(PipelineStep::condition).toList()),
            clock);
    // the budget check reads the reconciler's own cache
    AtomicReference<StreamingPipelineReconciler> cache = new AtomicReference<>();
    StreamingPipelineReconciler reconciler =
        new StreamingPipelineReconciler(
            pipeline -> problems(pipeline, cache.get()), steps, statusWriter, clock);
    cache.set(reconciler);
    // the lag monitor reads the reconciler's primary cache: one watch of the pipelines, not two
    this.lagMonitor =
        new LagMonitor(
            client.getKubernetesSerialization(),
            // an invalid spec gets no outside connection, from the lag monitor neither
            () ->
                withinBudget(
                    reconciler.cachedPipelines().stream()
                        .filter(p -> specProblems(p).isEmpty())
                        .toList()),
            kafkaClusters,
            sinkConnections,
            statusWriter,
            registry,
            settings.lagInterval(),
            clock);
    this.operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(client)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withCloseClientOnStop(false)
                  // JOSDK's default ends the JVM when an informer stops on an error (a watch
                  // refused after the RBAC changed, say); see informerStopped()
                  .withInformerStoppedHandler(this::informerStopped)
                  .withMetrics(
                      MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
                          .build());
              if (settings.leaderElection()) {
                // JOSDK's default on losing the lease is System.exit, which deadlocks when it
                // happens inside the shutdown
                // hook (close() releases the lease) and kills any process embedding the operator;
                // see lostLease()
                overrider.withLeaderElectionConfiguration(
                    new LeaderElectionConfiguration(
                        settings.leaseName(),
                        settings.leaseNamespace(),
                        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                        settings.leaseIdentity(),
                        new LeaderCallbacks(
                            () -> {
                              LOG.info(
                                  "holding the leader Lease {}: reconciling", settings.leaseName());
                              leading = true;
                              lagMonitor.start();
                            },
                            this::lostLease,
                            leader ->
                                LOG.info("leader of Lease {} is {}", settings.leaseName(), leader)),
                        false));
              }
            });
    this.view =
        new WebView(
            reconciler::cachedPipelines,
            new ViewAccess(client, clock),
            lagMonitor,
            events,
            new SinkRows(sinkConnections),
            client);
    operator.register(reconciler, this::configureController);
  }

  /**
   * The reconcile steps, in order; a step that is not ready stops the ones after it, and every
   * step's condition is required for Ready. A new concern is one more line here.
   */
  private List<PipelineStep> steps() {
    return List.of(
        new TopicStep(kafkaClusters, events, clock),
        new SinkStep(sinkConnections, events, clock),
        new DriverStep(client, secrets, clock, settings.driverClusterRole()));
  }

  private void configureController(ControllerConfigurationOverrider<StreamingPipeline> controller) {
    // a failed reconcile is said in status and tried again with backoff for as long as it fails: an
    // error that
    // outlasts a few tries (a quota, a webhook down) must not leave a pipeline unreconciled until
    // its next event
    controller.withRetry(
        new GenericRetry()
            .setInitialInterval(Duration.ofSeconds(2))
            .setIntervalMultiplier(2)
            .setMaxInterval(Duration.ofMinutes(2).toMillis())
            .withoutMaxAttempts());
    if (!settings.watchesAllNamespaces()) {
      controller.settingNamespaces(settings.namespaces());
    }
  }

  /**
   * Partitions all pipelines of one operator may have in all: the lag monitor holds a window of
   * samples for each (about 2 KB), so this bounds its memory whatever the tenants ask for.
   */
  public static final long PARTITION_BUDGET = 100_000;

  /**
   * The spec's own problems, then the operator-wide partition budget: pipelines created earlier
   * keep their share, so a newcomer cannot push a running pipeline out.
   */
  private static List<String> problems(
      StreamingPipeline pipeline, StreamingPipelineReconciler reconciler) {
    List<String> problems = specProblems(pipeline);
    if (!problems.isEmpty() || reconciler == null) {
      return problems;
    }
    long mine = SpecValidator.partitions(pipeline.getSpec());
    long earlier =
        reconciler.cachedPipelines().stream()
            .filter(other -> createdBefore(other, pipeline))
            .mapToLong(other -> SpecValidator.partitions(other.getSpec()))
            // a pipeline over the per-pipeline maximum is refused and uses nothing
            .filter(partitions -> partitions <= SpecValidator.MAX_PARTITIONS_PER_PIPELINE)
            .sum();
    if (earlier + mine > PARTITION_BUDGET) {
      return List.of(
          "spec.kafka.topics: "
              + mine
              + " partitions would take this operator's pipelines past its budget of "
              + PARTITION_BUDGET
              + " ("
              + earlier
              + " are in use by pipelines created earlier); use fewer partitions or ask your"
              + " administrator for another operator");
    }
    return problems;
  }

  /**
   * The pipelines the budget admits, for the lag monitor's every cycle: one sort and one running
   * sum, where asking {@link #problems} per pipeline would compare every pair.
   */
  private static List<StreamingPipeline> withinBudget(List<StreamingPipeline> valid) {
    List<StreamingPipeline> oldestFirst =
        valid.stream().sorted(PipelineOperator::byCreation).toList();
    List<StreamingPipeline> admitted = new java.util.ArrayList<>();
    long used = 0;
    for (StreamingPipeline pipeline : oldestFirst) {
      long partitions = SpecValidator.partitions(pipeline.getSpec());
      if (used + partitions <= PARTITION_BUDGET) {
        admitted.add(pipeline);
        used += partitions;
      }
    }
    return admitted;
  }

  private static boolean createdBefore(StreamingPipeline a, StreamingPipeline b) {
    boolean same =
        a.getMetadata().getUid() != null
            && a.getMetadata().getUid().equals(b.getMetadata().getUid());
    return !same && byCreation(a, b) < 0;
  }

  /**
   * Oldest first, then by namespace/name. creationTimestamp is RFC 3339 in UTC with whole seconds
   * as the API server writes it, so text order is time order and nothing is parsed per comparison.
   */
  private static int byCreation(StreamingPipeline a, StreamingPipeline b) {
    String at = a.getMetadata().getCreationTimestamp();
    String bt = b.getMetadata().getCreationTimestamp();
    int byTime = at == null || bt == null ? 0 : at.compareTo(bt);
    if (byTime != 0) {
      return byTime;
    }
    String an = a.getMetadata().getNamespace() + "/" + a.getMetadata().getName();
    String bn = b.getMetadata().getNamespace() + "/" + b.getMetadata().getName();
    return an.compareTo(bn);
  }

  private static List<String> specProblems(StreamingPipeline pipeline) {
    return SpecValidator.validate(pipeline).stream().map(SpecProblem::toString).toList();
  }

  /**
   * Starts the HTTP endpoint and the controllers; returns once informers are synced (or, standing
   * by, at once).
   */
  public PipelineOperator start() {
    http =
        HealthAndMetricsServer.start(
            settings.httpPort(),
            this::live,
            this::ready,
            registry,
            java.util.Map.of(WebView.PATH, view));
    LOG.info(
        "health and metrics on port {} (/healthz, /readyz, /metrics), web view on {}",
        http.port(),
        WebView.PATH);
    operator.start();
    if (!settings.leaderElection()) {
      lagMonitor.start();
    }
    LOG.info(
        "operator started: watching {}, leader election {}, drivers bound to ClusterRole {}",
        settings.watchesAllNamespaces() ? "all namespaces" : "namespaces " + settings.namespaces(),
        settings.leaderElection() ? "on (lease " + settings.leaseName() + ")" : "off",
        settings.driverClusterRole());
    return this;
  }

  /** The operator's meters (also served on /metrics). */
  public PrometheusMeterRegistry metrics() {
    return registry;
  }

  /** The port of /healthz, /readyz and /metrics once started. */
  public int httpPort() {
    return http.port();
  }

  boolean live() {
    return !leaseLost && !informerFailed && operator.getRuntimeInfo().isStarted();
  }

  /**
   * A synced informer that stops on an error leaves the operator blind to its resources: like a
   * lost lease, it stops reconciling and fails its liveness probe, so the Deployment restarts it
   * (where it meets the same error at start, said in one line), instead of JOSDK's System.exit,
   * which kills any process embedding the operator. An informer stopped without an error stops with
   * the operator; one that fails before its first sync makes start() fail.
   */
  private void informerStopped(SharedIndexInformer<?> informer, Throwable error) {
    if (error == null || !informer.hasSynced() || closing || informerFailed) {
      return;
    }
    informerFailed = true;
    LOG.error(
        "an informer stopped on an error ({}): stopping reconciliation; /healthz fails from now on"
            + " so this replica is restarted",
        error.getMessage());
    stopReconcilingInBackground("operator-stop-after-informer-error");
  }

  /**
   * Another replica may lead now, so this one must stop reconciling at once; it stops its
   * controllers and fails its liveness probe, and the Deployment restarts it as a fresh candidate.
   */
  private void lostLease() {
    if (closing) {
      return;
    }
    leaseLost = true;
    leading = false;
    LOG.error(
        "lost the leader Lease {}: stopping reconciliation; /healthz fails from now on so this replica is"
            + " restarted",
        settings.leaseName());
    // stopping from inside the leader elector's callback would wait on the elector itself
    stopReconcilingInBackground("operator-stop-after-lost-lease");
  }

  private void stopReconcilingInBackground(String threadName) {
    Thread stopper =
        new Thread(
            () -> {
              lagMonitor.close();
              operator.stop();
            },
            threadName);
    stopper.setDaemon(true);
    stopper.start();
  }

  boolean ready() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /**
   * A stopping leader hands its Lease over at once, as client-go's ReleaseOnCancel does (JOSDK does
   * not): an empty holder, which the next candidate takes at its next try, instead of waiting out
   * the lease duration (15 s) through every rolling update.
   */
  private void releaseLease() {
    if (!leading) {
      return;
    }
    leading = false;
    String namespace =
        settings.leaseNamespace() != null ? settings.leaseNamespace() : client.getNamespace();
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(settings.leaseName()).get();
      if (lease == null || lease.getSpec() == null || lease.getSpec().getHolderIdentity() == null) {
        return;
      }
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      // the resourceVersion read above: a Lease another instance took meanwhile is left alone
      client.leases().inNamespace(namespace).resource(lease).update();
      LOG.info("released the leader Lease {}", settings.leaseName());
    } catch (KubernetesClientException e) {
      LOG.info(
          "could not release the leader Lease {} (it expires by itself): {}",
          settings.leaseName(),
          e.getMessage());
    }
  }

  @Override
  public void close() {
    closing = true;
    try {
      operator.stop();
      releaseLease();
    } finally {
      try {
        lagMonitor.close();
        kafkaClusters.close();
        sinkConnections.close();
      } finally {
        if (http != null) {
          http.close();
        }
      }
    }
  }
}
