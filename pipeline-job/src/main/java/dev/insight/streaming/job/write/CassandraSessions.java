package dev.insight.streaming.job.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import dev.insight.streaming.job.Environment;
import dev.insight.streaming.jobconfig.CassandraSinkConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions the tasks of one JVM write rows with: one per sink configuration, opened at the
 * first write, closed when the JVM exits. The driver's own load balancing (token aware, local data
 * centre first) routes each write; the connector's session, which sorts and shuffles the nodes in
 * Scala for every request, is kept for the driver's schema and offset work.
 */
final class CassandraSessions {

  // the connector's read timeout: a loaded node answers slowly, and a failed write fails the batch
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  private static final Duration COALESCE_FOR = Duration.ofNanos(200_000);

  // the variables' names, not their values: two sinks naming other credentials get their own
  // session
  private record Key(
      List<String> hosts,
      int port,
      String localDatacenter,
      String usernameEnv,
      String passwordEnv) {}

  private static final Map<Key, CqlSession> SESSIONS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> SESSIONS.values().forEach(CqlSession::close), "cassandra-sessions-close"));
  }

  private CassandraSessions() {}

  /**
   * The JVM's session for {@code config}; credentials come from the variables it names, read from
   * {@code environment} where the task runs.
   */
  static CqlSession of(CassandraSinkConfig config, Environment environment) {
    Key key =
        new Key(
            config.hosts(),
            config.port(),
            config.localDatacenter(),
            config.usernameEnv(),
            config.passwordEnv());
    return SESSIONS.computeIfAbsent(key, k -> open(config, environment));
  }

  private static CqlSession open(CassandraSinkConfig config, Environment environment) {
    CqlSessionBuilder builder =
        CqlSession.builder()
            .withLocalDatacenter(config.localDatacenter())
            .withConfigLoader(
                DriverConfigLoader.programmaticBuilder()
                    .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
                    // tasks write from several threads at once: waiting a little longer before
                    // the flush lets each wake-up of the I/O thread send more requests
                    .withDuration(DefaultDriverOption.COALESCER_INTERVAL, COALESCE_FOR)
                    // closed when the JVM exits, after the last write: the driver's default quiet
                    // periods (2 s for each of its thread groups) only delay a pod's exit
                    .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                    .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                    .build());
    for (String host : config.hosts()) {
      builder.addContactPoint(InetSocketAddress.createUnresolved(host, config.port()));
    }
    if (config.usernameEnv() != null) {
      builder.withAuthCredentials(
          variable(environment, config.usernameEnv()), variable(environment, config.passwordEnv()));
    }
    return builder.build();
  }

  private static String variable(Environment environment, String name) {
    String value = environment.apply(name);
    if (value == null) {
      throw new IllegalStateException(
          "environment variable " + name + " (Cassandra credentials) is not set");
    }
    return value;
  }
}
