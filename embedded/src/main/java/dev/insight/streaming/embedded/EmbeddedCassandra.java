package dev.insight.streaming.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Cassandra 5.0.9 node in a child JVM. */
public final class EmbeddedCassandra implements AutoCloseable {

  static final String SERVER = "Cassandra node";
  private static final String DATACENTER = "datacenter1";
  private static final int BIND_RETRIES = 3;

  /**
   * What Cassandra 5.0 needs opened on Java 17; without it: "Cassandra is unable to access required
   * classes".
   */
  private static final List<String> JAVA17_OPTIONS =
      List.of(
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports=java.sql/java.sql=ALL-UNNAMED",
          "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true");

  /** A single test node has no peers to wait for. */
  private static final List<String> FAST_START_OPTIONS =
      List.of(
          "-Dcassandra.skip_wait_for_gossip_to_settle=0",
          "-Dcassandra.ring_delay_ms=100",
          "-Dcassandra.superuser_setup_delay_ms=0",
          "-Dcassandra.unsafesystem=true",
          "-Dcassandra.skip_sync=true",
          "-XX:TieredStopAtLevel=1");

  private final ChildProcess jvm;
  private final int port;
  private final Path dataDir;
  private final boolean deleteDataOnStop;
  private volatile Duration startupTime;
  private volatile String releaseVersion;

  private EmbeddedCassandra(ChildProcess jvm, int port, Path dataDir, boolean deleteDataOnStop) {
    this.jvm = jvm;
    this.port = port;
    this.dataDir = dataDir;
    this.deleteDataOnStop = deleteDataOnStop;
  }

  /**
   * Starts a node on free loopback ports in a fresh temporary folder; returns once a CQL query
   * answers.
   */
  public static EmbeddedCassandra start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String host() {
    return LoopbackPorts.HOST;
  }

  /** The native transport (CQL) port. */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}. */
  public String contactPoint() {
    return host() + ":" + port;
  }

  /** {@code datacenter1}, the data center of SimpleSnitch; drivers need it as their local one. */
  public String localDatacenter() {
    return DATACENTER;
  }

  /** The {@code release_version} the node answered the readiness query with. */
  public String releaseVersion() {
    return releaseVersion;
  }

  /** From launching the first JVM until the readiness round trip succeeded. */
  public Duration startupTime() {
    return startupTime;
  }

  public long pid() {
    return jvm.pid();
  }

  public boolean isRunning() {
    return jvm.isRunning();
  }

  /** The folder holding the node's configuration, data and {@code cassandra.log}. */
  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return jvm.logFile();
  }

  /** Stops the node (gracefully, then forcibly) and deletes its temporary folder. Idempotent. */
  public void stop() {
    jvm.stop();
    if (deleteDataOnStop) {
      DataDirectory.delete(dataDir);
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "EmbeddedCassandra[" + contactPoint() + ", pid " + pid() + "]";
  }

  /** Options for a node; every one has a working default. */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private Duration startTimeout = StartOptions.DEFAULT_START_TIMEOUT;
    private Path javaCommand = StartOptions.currentJava();
    private String maxHeap = "768m";
    private final List<String> yamlLines = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder() {}

    /** Native transport (CQL) port; 0 (default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * A folder to keep (not deleted on stop); default: a fresh temporary folder deleted on stop.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
      return this;
    }

    /** The {@code java} executable for the child JVM; default: the running JVM's. */
    public Builder javaCommand(Path javaCommand) {
      this.javaCommand = javaCommand;
      return this;
    }

    /** {@code -Xmx} of the node, e.g. {@code 768m} (default). */
    public Builder maxHeap(String maxHeap) {
      this.maxHeap = maxHeap;
      return this;
    }

    /**
     * A top-level {@code cassandra.yaml} line such as {@code "batch_size_fail_threshold: 500KiB"}.
     */
    public Builder yamlLine(String line) {
      yamlLines.add(line);
      return this;
    }

    /** An extra option for the node's JVM. */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** Starts the node and waits until it answers a CQL query. */
    public EmbeddedCassandra start() {
      List<Path> classpath = ServerRuntime.classpath(SERVER, "cassandra-node");
      for (int attempt = 1; ; attempt++) {
        int nativePort = port != 0 ? port : LoopbackPorts.free();
        int internodePort = LoopbackPorts.free();
        PortCheck.requireFree(SERVER, "native transport", nativePort);
        PortCheck.requireFree(SERVER, "storage", internodePort);
        try {
          return startOnce(classpath, nativePort, internodePort);
        } catch (EmbeddedServerException e) {
          boolean raceLost = port == 0 && e.getMessage().contains("Address already in use");
          if (!raceLost || attempt >= BIND_RETRIES) {
            throw e;
          }
        }
      }
    }

    private EmbeddedCassandra startOnce(List<Path> classpath, int nativePort, int internodePort) {
      boolean temporary = dataDir == null;
      Path dir =
          temporary
              ? DataDirectory.createTemporary("embedded-cassandra-")
              : DataDirectory.create(dataDir);
      Path yaml = dir.resolve("cassandra.yaml");
      DataDirectory.write(yaml, cassandraYaml(dir, nativePort, internodePort));
      Path logback = dir.resolve("logback.xml");
      DataDirectory.write(logback, LOGBACK_CONFIG);

      List<String> options =
          new ArrayList<>(
              List.of(
                  "-Xms256m",
                  "-Xmx" + maxHeap,
                  "-XX:+ExitOnOutOfMemoryError",
                  "-Djava.awt.headless=true"));
      options.addAll(JAVA17_OPTIONS);
      options.addAll(FAST_START_OPTIONS);
      options.addAll(
          List.of(
              "-Dcassandra.config=" + yaml.toUri(),
              "-Dcassandra.storagedir=" + dir,
              "-Dcassandra.logdir=" + dir.resolve("logs"),
              "-Dcassandra-foreground=yes",
              "-Dlogback.configurationFile=" + logback.toUri()));
      options.addAll(jvmOptions);
      long launched = System.nanoTime();
      ChildProcess jvm =
          ChildProcess.launch(
              new ChildProcess.Launch(
                  SERVER,
                  javaCommand,
                  classpath,
                  options,
                  "org.apache.cassandra.service.CassandraDaemon",
                  List.of(),
                  dir,
                  temporary,
                  dir.resolve("cassandra.log")));
      EmbeddedCassandra cassandra = new EmbeddedCassandra(jvm, nativePort, dir, temporary);
      // the folder of a failed start is kept: its log explains the failure
      jvm.awaitReady(
          startTimeout,
          remaining -> {
            if (!LoopbackPorts.accepting(nativePort)) {
              throw new IllegalStateException(
                  "native transport port " + nativePort + " not open yet");
            }
            cassandra.releaseVersion =
                CqlProbe.releaseVersion(
                    LoopbackPorts.HOST, nativePort, (int) Math.min(remaining.toMillis(), 10_000));
          });
      cassandra.startupTime = Duration.ofNanos(System.nanoTime() - launched);
      return cassandra;
    }

    private String cassandraYaml(Path dir, int nativePort, int internodePort) {
      String yaml =
          """
                    # written by EmbeddedCassandra: one node on 127.0.0.1, everything under one folder
                    cluster_name: embedded
                    num_tokens: 1
                    partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                    endpoint_snitch: SimpleSnitch
                    seed_provider:
                      - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                        parameters:
                          - seeds: "127.0.0.1:%2$d"
                    listen_address: 127.0.0.1
                    rpc_address: 127.0.0.1
                    storage_port: %2$d
                    native_transport_port: %1$d
                    start_native_transport: true
                    commitlog_sync: periodic
                    commitlog_sync_period: 10000ms
                    data_file_directories:
                      - %3$s/data
                    commitlog_directory: %3$s/commitlog
                    hints_directory: %3$s/hints
                    saved_caches_directory: %3$s/saved_caches
                    cdc_raw_directory: %3$s/cdc_raw
                    key_cache_size: 0MiB
                    row_cache_size: 0MiB
                    counter_cache_size: 0MiB
                    # tests drop and truncate often; snapshots would only fill the disk
                    auto_snapshot: false
                    """
              .formatted(nativePort, internodePort, dir);
      return yamlLines.isEmpty() ? yaml : yaml + String.join("\n", yamlLines) + "\n";
    }
  }

  private static final String LOGBACK_CONFIG =
      """
            <configuration>
              <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="STDOUT"/></root>
            </configuration>
            """;
}
