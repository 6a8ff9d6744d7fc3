package dev.insight.streaming.operator;

import dev.insight.streaming.operator.config.DurationText;
import dev.insight.streaming.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator's command line: every flag also reads an environment variable, as a Deployment sets
 * them.
 */
@Command(
    name = "streaming-pipeline-operator",
    mixinStandardHelpOptions = true,
    description =
        "Runs StreamingPipeline resources: Kafka topics, Spark driver, sink schemas, offset lag.")
public final class OperatorMain implements Callable<Integer> {

  @Option(
      names = "--namespaces",
      defaultValue = "${env:WATCH_NAMESPACES:-}",
      split = ",",
      description =
          "Namespaces to watch, comma separated; empty watches all (env WATCH_NAMESPACES).")
  String[] namespaces = new String[0];

  @Option(
      names = "--leader-election",
      defaultValue = "${env:LEADER_ELECTION:-false}",
      arity = "1",
      description =
          "Hold a Lease before reconciling, for more than one replica (env LEADER_ELECTION).")
  boolean leaderElection;

  @Option(
      names = "--lease-name",
      defaultValue = "${env:LEADER_ELECTION_LEASE_NAME:-streaming-pipeline-operator}",
      description = "Name of the leader-election Lease (env LEADER_ELECTION_LEASE_NAME).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:POD_NAMESPACE:-}",
      description =
          "Namespace of the Lease; empty uses the client's namespace (env POD_NAMESPACE).")
  String leaseNamespace;

  @Option(
      names = "--lease-identity",
      defaultValue = "${env:POD_NAME:-}",
      description = "This replica's name in the Lease; empty uses HOSTNAME (env POD_NAME).")
  String leaseIdentity;

  @Option(
      names = "--driver-cluster-role",
      defaultValue =
          "${env:DRIVER_CLUSTER_ROLE:-" + OperatorSettings.DEFAULT_DRIVER_CLUSTER_ROLE + "}",
      description =
          "The ClusterRole each pipeline's driver is bound to in its namespace; the operator needs"
              + " bind on it (env DRIVER_CLUSTER_ROLE).")
  String driverClusterRole;

  @Option(
      names = "--allow-mongodb-auth",
      defaultValue = "${env:ALLOW_MONGODB_AUTH:-}",
      split = ",",
      description =
          "MongoDB mechanisms the operator may use for its own connections although they take"
              + " credentials from where it runs: MONGODB-AWS, MONGODB-OIDC, GSSAPI, MONGODB-X509"
              + " (env ALLOW_MONGODB_AUTH). Default: none.")
  String[] mongoAuthMechanisms = new String[0];

  @Option(
      names = "--port",
      defaultValue = "${env:HTTP_PORT:-8080}",
      description = "Port of /healthz, /readyz and /metrics (env HTTP_PORT).")
  int port;

  @Option(
      names = "--lag-interval",
      defaultValue = "${env:LAG_INTERVAL:-10s}",
      description = "How often offset lag is sampled, e.g. 5s (env LAG_INTERVAL).")
  String lagInterval;

  @Option(
      names = "--log-format",
      defaultValue = "${env:LOG_FORMAT:-text}",
      description = "text or json (env LOG_FORMAT).")
  String logFormat;

  @Option(
      names = "--log-level",
      defaultValue = "${env:LOG_LEVEL:-INFO}",
      description = "TRACE, DEBUG, INFO, WARN or ERROR (env LOG_LEVEL).")
  String logLevel;

  public static void main(String[] args) {
    System.exit(new CommandLine(new OperatorMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    OperatorSettings settings = settings();
    // Logging is configured before the first logger exists, so no class touched so far may hold
    // one.
    System.setProperty("operator.log.level", logLevel.toUpperCase(Locale.ROOT));
    if (settings.jsonLogs()) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    PipelineOperator operator = new PipelineOperator(client, settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                },
                "operator-shutdown"));
    try {
      operator.start();
    } catch (RuntimeException e) {
      // JOSDK has logged the details; say in one line what to check, then exit non-zero
      System.err.println(
          "streaming-pipeline-operator could not start: "
              + rootCause(e)
              + " (Kubernetes API "
              + client.getMasterUrl()
              + "; check KUBECONFIG or the pod's service account, and that the"
              + " StreamingPipeline CRD is installed)");
      return 1;
    }
    stopped.await();
    return 0;
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  OperatorSettings settings() {
    Set<String> watched =
        Arrays.stream(namespaces)
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    if (!Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR")
        .contains(logLevel.toUpperCase(Locale.ROOT))) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--log-level " + logLevel + " is not one of TRACE, DEBUG, INFO, WARN, ERROR");
    }
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--log-format " + logFormat + " is not one of text, json");
    }
    if (driverClusterRole == null || driverClusterRole.isBlank()) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--driver-cluster-role must name a ClusterRole");
    }
    Duration lag;
    try {
      lag = DurationText.parse(lagInterval);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--lag-interval " + e.getMessage());
    }
    Set<String> mongoAuth =
        Arrays.stream(mongoAuthMechanisms == null ? new String[0] : mongoAuthMechanisms)
            .map(String::trim)
            .filter(m -> !m.isEmpty())
            .collect(Collectors.toSet());
    for (String mechanism : mongoAuth) {
      if (!OperatorSettings.AMBIENT_MONGO_MECHANISMS.contains(mechanism)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this),
            "--allow-mongodb-auth "
                + mechanism
                + " is not one of "
                + new java.util.TreeSet<>(OperatorSettings.AMBIENT_MONGO_MECHANISMS));
      }
    }
    return new OperatorSettings(
        watched,
        leaderElection,
        leaseName,
        leaseNamespace == null || leaseNamespace.isBlank() ? null : leaseNamespace,
        port,
        lag,
        logFormat.equals("json"),
        leaseIdentity == null || leaseIdentity.isBlank() ? null : leaseIdentity,
        driverClusterRole,
        mongoAuth);
  }
}
