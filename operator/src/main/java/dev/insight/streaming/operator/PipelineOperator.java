package dev.insight.streaming.operator;

import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.http.HealthAndMetricsServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running operator: the JOSDK runtime with server-side apply off (the same setting in production and on the
 * mock API server, so tests run the production path), its health and metrics endpoint, and optional leader election.
 */
public final class PipelineOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineOperator.class);

  private final OperatorSettings settings;
  private final KubernetesClient client;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Operator operator;
  private HealthAndMetricsServer http;

  public PipelineOperator(KubernetesClient client, OperatorSettings settings) {
    this.client = client;
    this.settings = settings;
    this.operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry).build());
      if (settings.leaderElection()) {
        overrider.withLeaderElectionConfiguration(
            new LeaderElectionConfiguration(settings.leaseName(), settings.leaseNamespace()));
      }
    });
  }

  /** Starts the HTTP endpoint and the controllers; returns once informers are synced (or, standing by, at once). */
  public PipelineOperator start() {
    http = HealthAndMetricsServer.start(settings.httpPort(), this::live, this::ready, registry);
    LOG.info("health and metrics on port {} (/healthz, /readyz, /metrics)", http.port());
    operator.start();
    LOG.info("operator started: watching {}, leader election {}",
        settings.watchesAllNamespaces() ? "all namespaces" : "namespaces " + settings.namespaces(),
        settings.leaderElection() ? "on (lease " + settings.leaseName() + ")" : "off");
    return this;
  }

  public Operator operator() {
    return operator;
  }

  public KubernetesClient client() {
    return client;
  }

  public OperatorSettings settings() {
    return settings;
  }

  public PrometheusMeterRegistry metrics() {
    return registry;
  }

  /** The port of /healthz, /readyz and /metrics once started. */
  public int httpPort() {
    return http.port();
  }

  boolean live() {
    return operator.getRuntimeInfo().isStarted();
  }

  boolean ready() {
    return operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    try {
      operator.stop();
    } finally {
      if (http != null) {
        http.close();
      }
    }
  }
}
