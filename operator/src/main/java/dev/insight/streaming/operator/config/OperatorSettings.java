package dev.insight.streaming.operator.config;

import java.time.Duration;
import java.util.Set;

/**
 * How one operator process runs: which namespaces it watches, whether it competes for a leader
 * lease, where it serves health and metrics, and how often it samples lag.
 *
 * @param namespaces namespaces to watch; empty means all namespaces
 * @param leaderElection whether to hold a Lease before reconciling
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace; null means the client's namespace
 * @param httpPort port of /healthz, /readyz and /metrics; 0 picks a free one
 * @param lagInterval how often lag is sampled
 * @param jsonLogs whether logs are written as JSON lines
 * @param leaseIdentity who this instance is when it competes for the Lease (the pod name); null
 *     means the HOSTNAME environment variable, which is the pod name in a Deployment
 * @param driverClusterRole the ClusterRole each pipeline's driver ServiceAccount is bound to in its
 *     namespace; the chart installs it and grants the operator {@code bind} on it by name
 * @param mongoAuthMechanisms MongoDB authentication mechanisms the operator may use for its own
 *     connections beyond user and password ({@link #AMBIENT_MONGO_MECHANISMS}); each takes
 *     credentials from where the operator runs, so the default is none
 */
public record OperatorSettings(
    Set<String> namespaces,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int httpPort,
    Duration lagInterval,
    boolean jsonLogs,
    String leaseIdentity,
    String driverClusterRole,
    Set<String> mongoAuthMechanisms) {

  /**
   * The MongoDB mechanisms that read credentials from the client's surroundings (environment,
   * files, cloud metadata, Kerberos tickets, the JVM's key store), refused unless allowed here.
   */
  public static final Set<String> AMBIENT_MONGO_MECHANISMS =
      Set.of("MONGODB-AWS", "MONGODB-OIDC", "GSSAPI", "MONGODB-X509");

  public static final String DEFAULT_LEASE_NAME = "streaming-pipeline-operator";

  /**
   * The driver ClusterRole's name when the chart is installed as {@code
   * streaming-pipeline-operator}.
   */
  public static final String DEFAULT_DRIVER_CLUSTER_ROLE = "streaming-pipeline-operator-driver";

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("port " + httpPort + " is out of range 0..65535");
    }
    if (lagInterval.isNegative() || lagInterval.isZero()) {
      throw new IllegalArgumentException("lag interval must be positive, got " + lagInterval);
    }
    if (driverClusterRole == null || driverClusterRole.isBlank()) {
      throw new IllegalArgumentException("the driver ClusterRole's name is empty");
    }
    mongoAuthMechanisms = mongoAuthMechanisms == null ? Set.of() : Set.copyOf(mongoAuthMechanisms);
    for (String mechanism : mongoAuthMechanisms) {
      if (!AMBIENT_MONGO_MECHANISMS.contains(mechanism)) {
        throw new IllegalArgumentException(
            "MongoDB mechanism "
                + mechanism
                + " is not one of "
                + new java.util.TreeSet<>(AMBIENT_MONGO_MECHANISMS));
      }
    }
  }

  /**
   * Settings for an operator watching every namespace, without leader election, health on a free
   * port.
   */
  public static OperatorSettings defaults() {
    return new OperatorSettings(
        Set.of(),
        false,
        DEFAULT_LEASE_NAME,
        null,
        0,
        Duration.ofSeconds(10),
        false,
        null,
        DEFAULT_DRIVER_CLUSTER_ROLE,
        Set.of());
  }

  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }

  public OperatorSettings withNamespaces(Set<String> watched) {
    return new OperatorSettings(
        watched,
        leaderElection,
        leaseName,
        leaseNamespace,
        httpPort,
        lagInterval,
        jsonLogs,
        leaseIdentity,
        driverClusterRole,
        mongoAuthMechanisms);
  }

  public OperatorSettings withLeaderElection(boolean on, String namespace) {
    return new OperatorSettings(
        namespaces,
        on,
        leaseName,
        namespace,
        httpPort,
        lagInterval,
        jsonLogs,
        leaseIdentity,
        driverClusterRole,
        mongoAuthMechanisms);
  }

  public OperatorSettings withHttpPort(int port) {
    return new OperatorSettings(
        namespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        port,
        lagInterval,
        jsonLogs,
        leaseIdentity,
        driverClusterRole,
        mongoAuthMechanisms);
  }

  public OperatorSettings withLeaseIdentity(String identity) {
    return new OperatorSettings(
        namespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        httpPort,
        lagInterval,
        jsonLogs,
        identity,
        driverClusterRole,
        mongoAuthMechanisms);
  }

  public OperatorSettings withDriverClusterRole(String name) {
    return new OperatorSettings(
        namespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        httpPort,
        lagInterval,
        jsonLogs,
        leaseIdentity,
        name,
        mongoAuthMechanisms);
  }

  public OperatorSettings withLagInterval(Duration interval) {
    return new OperatorSettings(
        namespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        httpPort,
        interval,
        jsonLogs,
        leaseIdentity,
        driverClusterRole,
        mongoAuthMechanisms);
  }

  public OperatorSettings withMongoAuthMechanisms(Set<String> mechanisms) {
    return new OperatorSettings(
        namespaces,
        leaderElection,
        leaseName,
        leaseNamespace,
        httpPort,
        lagInterval,
        jsonLogs,
        leaseIdentity,
        driverClusterRole,
        mechanisms);
  }
}
