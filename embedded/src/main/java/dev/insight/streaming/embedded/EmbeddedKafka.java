package dev.insight.streaming.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka 4.1 broker (KRaft, combined broker+controller) in a child JVM. */
public final class EmbeddedKafka implements AutoCloseable {

  static final String SERVER = "Kafka broker";
  private static final String READINESS_TOPIC = "__embedded_readiness";
  private static final int BIND_RETRIES = 3;
  private static final int NODE_ID = 1;

  private final ChildProcess jvm;
  private final int port;
  private final Path dataDir;
  private final boolean deleteDataOnStop;
  private volatile Duration startupTime;

  private EmbeddedKafka(ChildProcess jvm, int port, Path dataDir, boolean deleteDataOnStop) {
    this.jvm = jvm;
    this.port = port;
    this.dataDir = dataDir;
    this.deleteDataOnStop = deleteDataOnStop;
  }

  /**
   * Starts a broker on free loopback ports in a fresh temporary folder; returns once a
   * produce/consume works.
   */
  public static EmbeddedKafka start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return LoopbackPorts.HOST + ":" + port;
  }

  public int port() {
    return port;
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

  /** The folder holding the broker's configuration, data and {@code kafka.log}. */
  public Path dataDir() {
    return dataDir;
  }

  public Path logFile() {
    return jvm.logFile();
  }

  /**
   * Creates a topic (replication factor 1) and returns once the broker has created every
   * partition's log, so producers can write at once.
   *
   * <p>Why wait: Kafka 4.1 can answer the first produce to a brand-new partition with
   * NOT_LEADER_OR_FOLLOWER while accepting a later in-flight batch, after which an idempotent
   * producer retries the first one forever with OUT_OF_ORDER_SEQUENCE_NUMBER (KAFKA-15591).
   * Producing only after the partitions exist avoids that.
   */
  public void createTopic(String topic, int partitions) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(config)) {
      try {
        admin
            .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      awaitPartitionLogs(admin, topic, partitions, Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "cannot create topic " + topic + " on " + bootstrapServers() + ": " + e.getMessage(), e);
    }
  }

  private static void awaitPartitionLogs(
      Admin admin, String topic, int partitions, Duration timeout)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long created =
          admin
              .describeLogDirs(List.of(NODE_ID))
              .allDescriptions()
              .get(10, TimeUnit.SECONDS)
              .getOrDefault(NODE_ID, Map.of())
              .values()
              .stream()
              .flatMap(dir -> dir.replicaInfos().keySet().stream())
              .filter(partition -> partition.topic().equals(topic))
              .count();
      if (created >= partitions) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new java.util.concurrent.TimeoutException(
            "only "
                + created
                + " of "
                + partitions
                + " partition logs of "
                + topic
                + " exist after "
                + timeout.toSeconds()
                + " s");
      }
      Thread.sleep(50);
    }
  }

  /** Stops the broker (gracefully, then forcibly) and deletes its temporary folder. Idempotent. */
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
    return "EmbeddedKafka[" + bootstrapServers() + ", pid " + pid() + "]";
  }

  /** Options for a broker; every one has a working default. */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private Duration startTimeout = StartOptions.DEFAULT_START_TIMEOUT;
    private Path javaCommand = StartOptions.currentJava();
    private String maxHeap = "512m";
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder() {}

    /** Client port; 0 (default) picks a free one. */
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

    /** {@code -Xmx} of the broker, e.g. {@code 512m} (default). */
    public Builder maxHeap(String maxHeap) {
      this.maxHeap = maxHeap;
      return this;
    }

    /** A {@code server.properties} entry, added to or replacing the defaults. */
    public Builder brokerProperty(String key, String value) {
      brokerProperties.put(key, value);
      return this;
    }

    /** An extra option for the broker's JVM. */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** Starts the broker and waits until a record produced to it can be consumed. */
    public EmbeddedKafka start() {
      List<Path> classpath = ServerRuntime.classpath(SERVER, "kafka-broker");
      for (int attempt = 1; ; attempt++) {
        int clientPort = port != 0 ? port : LoopbackPorts.free();
        int quorumPort = LoopbackPorts.free();
        PortCheck.requireFree(SERVER, "client", clientPort);
        PortCheck.requireFree(SERVER, "controller", quorumPort);
        try {
          return startOnce(classpath, clientPort, quorumPort);
        } catch (PortRaceLost e) {
          if (attempt >= BIND_RETRIES) {
            throw e.failure;
          }
        }
      }
    }

    private EmbeddedKafka startOnce(List<Path> classpath, int clientPort, int quorumPort) {
      boolean temporary = dataDir == null;
      Path dir =
          temporary
              ? DataDirectory.createTemporary("embedded-kafka-")
              : DataDirectory.create(dataDir);
      Path properties = dir.resolve("server.properties");
      DataDirectory.write(properties, serverProperties(dir, clientPort, quorumPort));
      Path log4j = dir.resolve("log4j2.properties");
      DataDirectory.write(log4j, KafkaNodes.LOG4J2_CONFIG);
      Path logFile = dir.resolve("kafka.log");
      long launched = System.nanoTime();
      List<String> options = KafkaNodes.jvmOptions("128m", maxHeap, log4j, jvmOptions);
      KafkaNodes.formatUnlessFormatted(
          SERVER,
          javaCommand,
          classpath,
          options,
          properties,
          dir,
          temporary,
          logFile,
          KafkaNodes.clusterId(),
          List.of("--standalone"),
          startTimeout);
      ChildProcess jvm =
          ChildProcess.launch(
              new ChildProcess.Launch(
                  SERVER,
                  javaCommand,
                  classpath,
                  options,
                  "kafka.Kafka",
                  List.of(properties.toString()),
                  dir,
                  temporary,
                  logFile));
      EmbeddedKafka kafka = new EmbeddedKafka(jvm, clientPort, dir, temporary);
      try {
        jvm.awaitReady(startTimeout, kafka::roundTrip);
      } catch (EmbeddedServerException e) {
        // the folder of a failed start is kept: its log explains the failure
        boolean raceLost = port == 0 && e.getMessage().contains("Address already in use");
        if (raceLost && temporary) {
          DataDirectory.delete(
              dir); // the retry starts in a fresh folder; this one explains nothing
        }
        throw raceLost ? new PortRaceLost(e) : e;
      }
      kafka.startupTime = Duration.ofNanos(System.nanoTime() - launched);
      return kafka;
    }

    private String serverProperties(Path dir, int clientPort, int quorumPort) {
      Map<String, String> config = new LinkedHashMap<>();
      config.put("process.roles", "broker,controller");
      config.put("node.id", String.valueOf(NODE_ID));
      config.put(
          "listeners",
          "PLAINTEXT://"
              + LoopbackPorts.HOST
              + ":"
              + clientPort
              + ",CONTROLLER://"
              + LoopbackPorts.HOST
              + ":"
              + quorumPort);
      config.put("advertised.listeners", "PLAINTEXT://" + LoopbackPorts.HOST + ":" + clientPort);
      config.put("controller.listener.names", "CONTROLLER");
      config.put("inter.broker.listener.name", "PLAINTEXT");
      config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      config.put("controller.quorum.bootstrap.servers", LoopbackPorts.HOST + ":" + quorumPort);
      config.put("log.dirs", KafkaNodes.logDir(dir).toString());
      config.put("num.partitions", "1");
      config.put("offsets.topic.replication.factor", "1");
      config.put("offsets.topic.num.partitions", "5");
      config.put("transaction.state.log.replication.factor", "1");
      config.put("transaction.state.log.min.isr", "1");
      config.put("share.coordinator.state.topic.replication.factor", "1");
      config.put("share.coordinator.state.topic.min.isr", "1");
      // a single-node test cluster: no reason to delay the first consumer group's rebalance
      config.put("group.initial.rebalance.delay.ms", "0");
      config.put("num.network.threads", "2");
      config.put("num.io.threads", "2");
      config.putAll(brokerProperties);
      return KafkaNodes.propertiesText("EmbeddedKafka", config);
    }
  }

  /** A produce and a consume through the client port; throws while the broker cannot serve yet. */
  private void roundTrip(Duration remaining) throws Exception {
    if (!LoopbackPorts.accepting(port)) {
      throw new IllegalStateException("port " + port + " not accepting connections yet");
    }
    long timeoutMs = Math.max(1000, remaining.toMillis());
    Properties common = new Properties();
    common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    common.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 30_000));
    common.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 60_000));
    try (Admin admin = Admin.create(common)) {
      admin
          .createTopics(List.of(new NewTopic(READINESS_TOPIC, 1, (short) 1)))
          .all()
          .get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    String value = "ready-" + UUID.randomUUID();
    Properties producerConfig = new Properties();
    producerConfig.putAll(common);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    producerConfig.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 120_000));
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    long offset;
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
      offset =
          producer
              .send(new ProducerRecord<>(READINESS_TOPIC, value))
              .get(timeoutMs, TimeUnit.MILLISECONDS)
              .offset();
    }
    Properties consumerConfig = new Properties();
    consumerConfig.putAll(common);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    TopicPartition partition = new TopicPartition(READINESS_TOPIC, 0);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
      // assign, not subscribe: no consumer group, so no wait for a group coordinator
      consumer.assign(List.of(partition));
      consumer.seek(partition, offset);
      while (System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        if (records.records(partition).stream().anyMatch(r -> value.equals(r.value()))) {
          return;
        }
      }
    }
    throw new IllegalStateException(
        "record produced at offset " + offset + " of " + READINESS_TOPIC + " was not consumed");
  }

  /** Signals a lost race for an automatically chosen port: worth another try with new ports. */
  private static final class PortRaceLost extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient EmbeddedServerException failure;

    PortRaceLost(EmbeddedServerException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }
}
