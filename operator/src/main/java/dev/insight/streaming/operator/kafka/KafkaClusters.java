package dev.insight.streaming.operator.kafka;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.KafkaSpec;
import dev.insight.streaming.operator.secrets.RefusedSettingException;
import dev.insight.streaming.operator.secrets.SecretNotFoundException;
import dev.insight.streaming.operator.secrets.SecretResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's Kafka Admin clients: one per {@link KafkaCluster}, created on first use, shared by
 * the topic step and the lag monitor, closed when unused for a while and when the operator stops.
 * Timeouts are short so that a reconcile against an unreachable broker fails within seconds instead
 * of hanging.
 */
public final class KafkaClusters implements AutoCloseable {

  /** How long one Admin call may take in all, retries included. */
  public static final Duration API_TIMEOUT = Duration.ofSeconds(8);

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);

  /**
   * An Admin unused this long is closed (its pipelines were deleted or moved to other settings).
   */
  static final Duration IDLE = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(KafkaClusters.class);

  static {
    // Defence in depth for every Kafka client in this JVM, beside the allow-list: no config
    // provider may resolve a setting (they read files and environment variables), and an
    // OAUTHBEARER client may fetch tokens from no URL (a file: URL would read the operator's own
    // files).
    System.setProperty("org.apache.kafka.automatic.config.providers", "none");
    System.setProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls", "");
  }

  private final SecretResolver secrets;
  private final Clock clock;
  private final Map<KafkaCluster, Cached> admins = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public KafkaClusters(SecretResolver secrets, Clock clock) {
    this.secrets = secrets;
    this.clock = clock;
  }

  /**
   * The cluster a pipeline reads from, as the operator's own clients reach it: its bootstrap
   * servers and the allowed ({@link OperatorClientSettings}) part of its clientConfig and of the
   * values of its clientSecret.
   *
   * @throws SecretNotFoundException when kafka.clientSecret names a Secret that does not exist
   * @throws RefusedSettingException when the settings ask for authentication the operator's client
   *     does not do
   */
  public KafkaCluster clusterOf(StreamingPipeline pipeline) {
    KafkaSpec kafka = pipeline.getSpec().getKafka();
    Map<String, String> settings = new HashMap<>();
    if (kafka.getClientConfig() != null) {
      settings.putAll(kafka.getClientConfig());
    }
    Set<String> secretKeys = Set.of();
    if (kafka.getClientSecret() != null) {
      Map<String, String> fromSecret =
          secrets.values(
              pipeline.getMetadata().getNamespace(), kafka.getClientSecret(), "kafka.clientSecret");
      settings.putAll(fromSecret);
      secretKeys = fromSecret.keySet();
    }
    return new KafkaCluster(
        kafka.getBootstrapServers(), OperatorClientSettings.of(settings), secretKeys);
  }

  /**
   * The shared Admin of {@code cluster}; callers must not close it. Creating it does not connect,
   * so an unreachable cluster shows up as a failed call, not here. Throws Kafka's {@code
   * KafkaException} when the settings are unusable (e.g. no bootstrap server resolves).
   */
  public Admin admin(KafkaCluster cluster) {
    if (closed) {
      throw new IllegalStateException("the operator is stopping: Kafka clients are closed");
    }
    closeIdle(cluster);
    Cached cached = admins.computeIfAbsent(cluster, c -> new Cached(Admin.create(properties(c))));
    cached.lastUsed = clock.instant();
    return cached.admin;
  }

  /** Closes every Admin; later calls to {@link #admin} fail. */
  @Override
  public void close() {
    closed = true;
    admins.values().forEach(cached -> cached.admin.close(Duration.ofSeconds(2)));
    admins.clear();
  }

  static Properties properties(KafkaCluster cluster) {
    Properties props = new Properties();
    props.putAll(cluster.settings());
    // the operator's own bounds win over the user's settings: a reconcile must not hang on a broker
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "streaming-pipeline-operator");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 2_000L);
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 4_000L);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 4_000L);
    return props;
  }

  private void closeIdle(KafkaCluster keep) {
    Instant cutoff = clock.instant().minus(IDLE);
    admins
        .entrySet()
        .removeIf(
            entry -> {
              if (entry.getKey().equals(keep) || !entry.getValue().lastUsed.isBefore(cutoff)) {
                return false;
              }
              LOG.info("closing the Kafka admin client of {}: unused for {}", entry.getKey(), IDLE);
              entry.getValue().admin.close(Duration.ofSeconds(2));
              return true;
            });
  }

  private final class Cached {
    final Admin admin;
    volatile Instant lastUsed;

    Cached(Admin admin) {
      this.admin = admin;
      this.lastUsed = clock.instant();
    }
  }
}
