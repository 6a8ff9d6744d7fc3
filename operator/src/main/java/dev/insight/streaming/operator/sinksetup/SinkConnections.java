package dev.insight.streaming.operator.sinksetup;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.mongodb.AuthenticationMechanism;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.CassandraCredentials;
import dev.insight.streaming.operator.api.spec.CassandraSinkSpec;
import dev.insight.streaming.operator.api.spec.MongoSinkSpec;
import dev.insight.streaming.operator.secrets.RefusedSettingException;
import dev.insight.streaming.operator.secrets.SecretNotFoundException;
import dev.insight.streaming.operator.secrets.SecretResolver;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.cassandra.CassandraOffsetStore;
import dev.insight.streaming.sinkstores.cassandra.Replication;
import dev.insight.streaming.sinkstores.mongodb.MongoOffsetStore;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's connections to the sinks: one {@link CqlSession} per {@link CassandraCluster} and
 * one {@link MongoClient} per {@link MongoCluster}, opened on first use, shared by the sink step
 * and the lag monitor, closed when unused for a while and when the operator stops. Timeouts are
 * short so that an unreachable store fails a reconcile within seconds. A Cassandra session that
 * cannot connect is not kept: the next call tries again.
 */
public final class SinkConnections implements AutoCloseable {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MONGO_SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A connection unused this long is closed (its pipelines were deleted or moved to other
   * settings).
   */
  static final Duration IDLE = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(SinkConnections.class);

  private final SecretResolver secrets;
  private final Set<String> allowedMongoMechanisms;
  private final Clock clock;
  private final Map<CassandraCluster, Cached<CqlSession>> sessions = new ConcurrentHashMap<>();
  private final Map<MongoCluster, Cached<MongoClient>> mongoClients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public SinkConnections(SecretResolver secrets, Clock clock) {
    this(secrets, clock, Set.of());
  }

  /**
   * @param allowedMongoMechanisms MongoDB mechanisms an administrator allowed beyond user and
   *     password ({@code --allow-mongodb-auth}), though they take credentials from where the
   *     operator runs
   */
  public SinkConnections(SecretResolver secrets, Clock clock, Set<String> allowedMongoMechanisms) {
    this.secrets = secrets;
    this.clock = clock;
    this.allowedMongoMechanisms = Set.copyOf(allowedMongoMechanisms);
  }

  /**
   * The Cassandra cluster of a pipeline's Cassandra sink, with credentials read from its Secret;
   * empty without one.
   *
   * @throws SecretNotFoundException when the credentials Secret or one of its keys is missing
   */
  public Optional<CassandraCluster> cassandraOf(StreamingPipeline pipeline) {
    CassandraSinkSpec spec = pipeline.getSpec().getSinks().getCassandra();
    if (spec == null) {
      return Optional.empty();
    }
    CassandraCredentials credentials = spec.getCredentialsSecret();
    if (credentials == null) {
      return Optional.of(CassandraCluster.of(spec.getContactPoints(), spec.getLocalDatacenter()));
    }
    Map<String, String> usedFor = new LinkedHashMap<>();
    usedFor.put(credentials.getUsernameKey(), "sinks.cassandra.credentialsSecret.usernameKey");
    usedFor.putIfAbsent(
        credentials.getPasswordKey(), "sinks.cassandra.credentialsSecret.passwordKey");
    Map<String, String> values =
        secrets.values(pipeline.getMetadata().getNamespace(), credentials.getName(), usedFor);
    return Optional.of(
        new CassandraCluster(
            spec.getContactPoints(),
            spec.getLocalDatacenter(),
            values.get(credentials.getUsernameKey()),
            values.get(credentials.getPasswordKey())));
  }

  /**
   * The MongoDB deployment of a pipeline's MongoDB sink, its URI read from the Secret; empty
   * without one.
   *
   * @throws SecretNotFoundException when the URI Secret or its key is missing
   */
  public Optional<MongoCluster> mongoOf(StreamingPipeline pipeline) {
    MongoSinkSpec spec = pipeline.getSpec().getSinks().getMongodb();
    if (spec == null) {
      return Optional.empty();
    }
    MongoCluster cluster =
        new MongoCluster(
            secrets.value(
                pipeline.getMetadata().getNamespace(),
                spec.getUriSecret(),
                "sinks.mongodb.uriSecret"));
    refuseAmbientCredentials(cluster, allowedMongoMechanisms);
    return Optional.of(cluster);
  }

  /**
   * Authentication mechanisms whose credentials come entirely from the connection string. The
   * others take them from where the operator runs: MONGODB-OIDC and MONGODB-AWS read tokens and
   * keys from its environment, files or cloud metadata, GSSAPI its Kerberos tickets, MONGODB-X509
   * its JVM's key store.
   */
  static final Set<String> MONGO_MECHANISMS = Set.of("SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN");

  static void refuseAmbientCredentials(MongoCluster cluster, Set<String> allowed) {
    ConnectionString uri;
    try {
      uri = new ConnectionString(cluster.uri());
    } catch (IllegalArgumentException e) {
      return; // the connection fails with the driver's own message, which says what is wrong
    }
    MongoCredential credential = uri.getCredential();
    AuthenticationMechanism mechanism =
        credential == null ? null : credential.getAuthenticationMechanism();
    if (mechanism != null
        && !MONGO_MECHANISMS.contains(mechanism.getMechanismName())
        && !allowed.contains(mechanism.getMechanismName())) {
      throw new RefusedSettingException(
          "the MongoDB connection string of sinks.mongodb.uriSecret asks for authMechanism="
              + mechanism.getMechanismName()
              + ", which takes credentials from where the operator runs; the operator connects"
              + " only with "
              + String.join(", ", new TreeSet<>(MONGO_MECHANISMS))
              + " (user and password in the connection string) unless an administrator allows more"
              + " (--allow-mongodb-auth)");
    }
  }

  /**
   * The shared session of {@code cluster}, connecting on first use; callers must not close it.
   * Throws the driver's exception (e.g. {@code AllNodesFailedException}) when no contact point
   * answers within a few seconds.
   */
  public CqlSession session(CassandraCluster cluster) {
    return connection(sessions, cluster, this::connect, CqlSession::close);
  }

  /**
   * The shared client of {@code cluster}; callers must not close it. It connects lazily, so
   * failures show on use.
   */
  public MongoClient client(MongoCluster cluster) {
    return connection(mongoClients, cluster, SinkConnections::connect, MongoClient::close);
  }

  /**
   * The offset store of a Cassandra cluster (keyspace {@code streaming_pipeline}), for reading. The
   * sink step creates its tables with the pipeline's replication, given here for that purpose only.
   */
  public OffsetStore offsetStore(CassandraCluster cluster, Replication replication) {
    return new CassandraOffsetStore(
        session(cluster), CassandraOffsetStore.DEFAULT_KEYSPACE, replication);
  }

  /** The offset store of a MongoDB deployment (database {@code streaming_pipeline}). */
  public OffsetStore offsetStore(MongoCluster cluster) {
    return new MongoOffsetStore(client(cluster), MongoOffsetStore.DEFAULT_DATABASE);
  }

  /** Closes every session and client; later calls fail. */
  @Override
  public void close() {
    closed = true;
    sessions.values().forEach(cached -> cached.close(CqlSession::close));
    mongoClients.values().forEach(cached -> cached.close(MongoClient::close));
    sessions.clear();
    mongoClients.clear();
  }

  private <K, C> C connection(
      Map<K, Cached<C>> cache, K key, java.util.function.Function<K, C> open, Consumer<C> closer) {
    if (closed) {
      throw new IllegalStateException("the operator is stopping: sink connections are closed");
    }
    closeIdle(cache, key, closer);
    Cached<C> cached = cache.computeIfAbsent(key, k -> new Cached<>());
    // one connect per cluster at a time; other clusters are not held up by a slow one
    synchronized (cached) {
      if (cached.connection == null) {
        cached.connection = open.apply(key);
      }
      cached.lastUsed = clock.instant();
      return cached.connection;
    }
  }

  private <K, C> void closeIdle(Map<K, Cached<C>> cache, K keep, Consumer<C> closer) {
    Instant cutoff = clock.instant().minus(IDLE);
    cache
        .entrySet()
        .removeIf(
            entry -> {
              if (entry.getKey().equals(keep)
                  || entry.getValue().lastUsed == null
                  || !entry.getValue().lastUsed.isBefore(cutoff)) {
                return false;
              }
              LOG.info("closing the connection to {}: unused for {}", entry.getKey(), IDLE);
              entry.getValue().close(closer);
              return true;
            });
  }

  private CqlSession connect(CassandraCluster cluster) {
    DriverConfigLoader config =
        DriverConfigLoader.programmaticBuilder()
            .withString(DefaultDriverOption.SESSION_NAME, "streaming-pipeline-operator")
            .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, CONNECT_TIMEOUT)
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, CONNECT_TIMEOUT)
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, CONNECT_TIMEOUT)
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
            .build();
    CqlSessionBuilder builder =
        CqlSession.builder()
            .withConfigLoader(config)
            .withLocalDatacenter(cluster.localDatacenter());
    for (String contactPoint : cluster.contactPoints()) {
      builder.addContactPoint(address(contactPoint));
    }
    if (cluster.authenticated()) {
      builder.withAuthCredentials(cluster.username(), cluster.password());
    }
    return builder.build();
  }

  private static MongoClient connect(MongoCluster cluster) {
    MongoClientSettings settings =
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(cluster.uri()))
            .applyToClusterSettings(
                b ->
                    b.serverSelectionTimeout(
                        MONGO_SERVER_SELECTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            .applyToSocketSettings(
                b ->
                    b.connectTimeout((int) CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
            .applicationName("streaming-pipeline-operator")
            .build();
    return MongoClients.create(settings);
  }

  static InetSocketAddress address(String contactPoint) {
    int colon = contactPoint.lastIndexOf(':');
    if (colon < 0) {
      return new InetSocketAddress(contactPoint, CassandraCluster.DEFAULT_PORT);
    }
    return new InetSocketAddress(
        contactPoint.substring(0, colon), Integer.parseInt(contactPoint.substring(colon + 1)));
  }

  private static final class Cached<C> {
    C connection;
    volatile Instant lastUsed;

    synchronized void close(Consumer<C> closer) {
      if (connection != null) {
        try {
          closer.accept(connection);
        } catch (RuntimeException e) {
          LOG.warn("closing a sink connection failed: {}", e.toString());
        }
        connection = null;
      }
    }
  }
}
