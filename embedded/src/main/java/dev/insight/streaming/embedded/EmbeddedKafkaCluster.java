package dev.insight.streaming.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka 4.1 cluster of several nodes on 127.0.0.1, each a combined broker and controller (KRaft,
 * a static quorum of all nodes) in a child JVM of its own, for stories that need replication: a
 * broker can be SIGKILLed and started again later on the same ports and data.
 *
 * <p>Node ids are 1..N. Every JVM is stopped at this JVM's exit and when a start fails (the same
 * {@link ChildProcess} machinery as {@link EmbeddedKafka}).
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  static final String SERVER = "Kafka cluster";
  private static final String READINESS_TOPIC = "__embedded_readiness";
  private static final int BIND_RETRIES = 3;

  private final Builder settings;
  private final List<Path> classpath;
  private final Path dataDir;
  private final boolean temporary;
  private final Map<Integer, BrokerNode> nodes = new LinkedHashMap<>();
  private volatile Duration startupTime;

  private EmbeddedKafkaCluster(
      Builder settings, List<Path> classpath, Path dataDir, boolean temporary) {
    this.settings = settings;
    this.classpath = classpath;
    this.dataDir = dataDir;
    this.temporary = temporary;
  }

  /**
   * Starts three nodes on free loopback ports in a fresh temporary folder; returns once a record
   * produced with {@code acks=all} to a topic replicated on all of them can be consumed.
   */
  public static EmbeddedKafkaCluster start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every node's client address, {@code 127.0.0.1:<port>,...}, in node id order. */
  public String bootstrapServers() {
    return nodes.values().stream().map(BrokerNode::address).collect(Collectors.joining(","));
  }

  /** One node's client address, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers(int nodeId) {
    return node(nodeId).address();
  }

  /** The node ids, 1..N. */
  public List<Integer> nodeIds() {
    return List.copyOf(nodes.keySet());
  }

  public int port(int nodeId) {
    return node(nodeId).clientPort;
  }

  public boolean isRunning(int nodeId) {
    return node(nodeId).isRunning();
  }

  /** The PID of the node's current JVM. */
  public long pid(int nodeId) {
    return node(nodeId).jvm.pid();
  }

  /** The resident memory of the node's JVM in bytes (Linux), or -1 where unknown. */
  public long residentBytes(int nodeId) {
    return node(nodeId).jvm.residentBytes();
  }

  /** The folder holding one sub-folder per node ({@code node-<id>}: config, data, kafka.log). */
  public Path dataDir() {
    return dataDir;
  }

  public Path logFile(int nodeId) {
    return node(nodeId).logFile;
  }

  /** From launching the first JVM until the cluster's readiness round trip succeeded. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * SIGKILLs the node's JVM (broker and controller at once, no controlled shutdown); its folder and
   * ports are kept for {@link #restart(int)}. Returns once the JVM is gone.
   */
  public void kill(int nodeId) {
    node(nodeId).kill();
  }

  /**
   * Starts a killed or stopped node again on the same ports and data folder; returns once it is
   * registered and unfenced again (its replicas may still be catching up: see {@link
   * #awaitInSync(String, Duration)}).
   *
   * @return how long the restart took
   */
  public Duration restart(int nodeId) {
    BrokerNode node = node(nodeId);
    long started = System.nanoTime();
    node.restart();
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** Restarts every node that is not running; a story that killed one calls it when it ends. */
  public void restartStopped() {
    for (BrokerNode node : nodes.values()) {
      if (!node.isRunning()) {
        node.restart();
      }
    }
  }

  /** The id of the partition's leader, or -1 while it has none. */
  public int leaderOf(String topic, int partition) {
    try (Admin admin = admin(bootstrapServers())) {
      TopicPartitionInfo info = describe(admin, topic).partitions().get(partition);
      Node leader = info.leader();
      return leader == null || leader.isEmpty() ? -1 : leader.id();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot describe " + topic + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing " + topic, e);
    }
  }

  /**
   * Creates a topic with {@code replicationFactor} replicas per partition (placed by Kafka) and the
   * given topic config; returns once every replica's log exists and every partition has a leader.
   * See {@link EmbeddedKafka#createTopic(String, int)} for why it waits.
   */
  public void createTopic(
      String topic, int partitions, int replicationFactor, Map<String, String> config) {
    create(new NewTopic(topic, partitions, (short) replicationFactor).configs(config));
  }

  /**
   * Creates a topic whose partition {@code p} has the replicas {@code replicas.get(p)} (node ids,
   * the first one the preferred leader), and waits as {@link #createTopic(String, int, int, Map)}
   * does.
   */
  public void createTopic(
      String topic, Map<Integer, List<Integer>> replicas, Map<String, String> config) {
    create(new NewTopic(topic, replicas).configs(config));
  }

  private void create(NewTopic topic) {
    try (Admin admin = admin(bootstrapServers())) {
      try {
        admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      awaitReplicaLogs(admin, topic.name(), Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic.name(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create topic "
              + topic.name()
              + " on "
              + bootstrapServers()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Waits until every partition of the topic has all its replicas in sync again. */
  public void awaitInSync(String topic, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin(bootstrapServers())) {
      String lagging = "";
      while (System.nanoTime() < deadline) {
        try {
          lagging =
              describe(admin, topic).partitions().stream()
                  .filter(p -> p.isr().size() < p.replicas().size())
                  .map(p -> p.partition() + " (in sync " + ids(p.isr()) + ")")
                  .collect(Collectors.joining(", "));
          if (lagging.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          lagging = e.toString();
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException(
          topic + ": not every replica in sync after " + timeout.toSeconds() + " s: " + lagging);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + topic, e);
    }
  }

  /**
   * Stops every node and deletes a temporary folder. Idempotent. A temporary cluster's nodes are
   * SIGKILLed, as their data goes anyway: stopped gracefully all at once, the quorum's leader waits
   * 5 s for voters that are gone already to acknowledge its resignation. A cluster in a kept folder
   * is stopped gracefully (then forcibly), as {@link EmbeddedKafka#stop()} does.
   */
  public void stop() {
    if (temporary) {
      nodes.values().forEach(BrokerNode::kill);
      DataDirectory.delete(dataDir);
      return;
    }
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (BrokerNode node : nodes.values()) {
      stops.add(CompletableFuture.runAsync(node::stop, EmbeddedKafkaCluster::runOnOwnThread));
    }
    stops.forEach(CompletableFuture::join);
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaCluster[" + bootstrapServers() + "]";
  }

  private BrokerNode node(int nodeId) {
    BrokerNode node = nodes.get(nodeId);
    if (node == null) {
      throw new IllegalArgumentException("no node " + nodeId + "; the nodes are " + nodeIds());
    }
    return node;
  }

  private static void runOnOwnThread(Runnable task) {
    Thread thread = new Thread(task, "embedded-kafka-cluster");
    thread.setDaemon(true);
    thread.start();
  }

  private static Admin admin(String bootstrap) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    return Admin.create(config);
  }

  private static TopicDescription describe(Admin admin, String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(15, TimeUnit.SECONDS)
        .get(topic);
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).toList();
  }

  private void awaitReplicaLogs(Admin admin, String topic, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String missing;
    while (true) {
      TopicDescription description;
      try {
        description = describe(admin, topic);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        description = null;
      }
      missing = description == null ? "the topic's metadata" : missingReplicas(admin, description);
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            topic + ": still missing after " + timeout.toSeconds() + " s: " + missing);
      }
      Thread.sleep(50);
    }
  }

  /** Replica logs not created yet and partitions without a leader, described; empty when none. */
  private String missingReplicas(Admin admin, TopicDescription description)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<Integer> brokers = new HashSet<>();
    description.partitions().forEach(p -> brokers.addAll(ids(p.replicas())));
    Set<String> present = new HashSet<>();
    admin
        .describeLogDirs(brokers)
        .allDescriptions()
        .get(10, TimeUnit.SECONDS)
        .forEach(
            (broker, dirs) ->
                dirs.values()
                    .forEach(
                        dir ->
                            dir.replicaInfos()
                                .keySet()
                                .forEach(tp -> present.add(broker + "/" + tp.partition()))));
    List<String> missing = new ArrayList<>();
    for (TopicPartitionInfo p : description.partitions()) {
      if (p.leader() == null || p.leader().isEmpty()) {
        missing.add("leader of partition " + p.partition());
      }
      for (int broker : ids(p.replicas())) {
        if (!present.contains(broker + "/" + p.partition())) {
          missing.add("partition " + p.partition() + " on node " + broker);
        }
      }
    }
    return String.join(", ", missing);
  }

  /**
   * A produce with {@code acks=all} to a topic replicated on every node and a consume back, through
   * all nodes' ports; throws while the cluster cannot serve that yet.
   */
  private void roundTrip(Duration remaining) throws Exception {
    long timeoutMs = Math.max(1000, remaining.toMillis());
    Properties common = new Properties();
    common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    common.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 30_000));
    try (Admin admin = Admin.create(common)) {
      Set<Integer> registered =
          admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).stream()
              .map(Node::id)
              .collect(Collectors.toSet());
      if (!registered.containsAll(nodes.keySet())) {
        throw new IllegalStateException("registered brokers so far: " + registered);
      }
      try {
        admin
            .createTopics(List.of(new NewTopic(READINESS_TOPIC, 1, (short) nodes.size())))
            .all()
            .get(timeoutMs, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      awaitReplicaLogs(admin, READINESS_TOPIC, Duration.ofMillis(timeoutMs));
    }
    String value = "ready-" + UUID.randomUUID();
    Properties producerConfig = new Properties();
    producerConfig.putAll(common);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    producerConfig.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 120_000));
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
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

  /**
   * Waits until {@code probe} succeeds while every node in {@code watched} keeps running; on
   * failure stops {@code toStop} and throws an error naming the node and quoting its log.
   */
  private void awaitReady(
      Collection<BrokerNode> watched,
      Collection<BrokerNode> toStop,
      Duration timeout,
      ChildProcess.ReadinessProbe probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception lastFailure = null;
    while (true) {
      for (BrokerNode node : watched) {
        if (!node.isRunning()) {
          String log = node.jvm.logTailMessage();
          toStop.forEach(BrokerNode::stop);
          throw new EmbeddedServerException(
              node.name() + " exited while starting" + log, lastFailure);
        }
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        String logs =
            watched.stream().map(n -> n.jvm.logTailMessage()).collect(Collectors.joining());
        toStop.forEach(BrokerNode::stop);
        throw new EmbeddedServerException(
            SERVER
                + " was not ready within "
                + timeout.toSeconds()
                + " s (raise it with -Dembedded.startTimeoutSeconds=N)"
                + (lastFailure == null ? "" : "; last readiness check failed with: " + lastFailure)
                + logs,
            lastFailure);
      }
      try {
        probe.check(Duration.ofNanos(remaining));
        return;
      } catch (InterruptedException e) {
        toStop.forEach(BrokerNode::stop);
        Thread.currentThread().interrupt();
        throw new EmbeddedServerException(SERVER + ": interrupted while starting", e);
      } catch (Exception e) {
        lastFailure = e;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        toStop.forEach(BrokerNode::stop);
        Thread.currentThread().interrupt();
        throw new EmbeddedServerException(SERVER + ": interrupted while starting", e);
      }
    }
  }

  /** One node: its ports, folder and current JVM. */
  private final class BrokerNode {
    final int id;
    final int clientPort;
    final int controllerPort;
    final Path dir;
    final Path properties;
    final Path logFile;
    final List<String> jvmOptions;
    ChildProcess jvm;

    BrokerNode(int id, int clientPort, int controllerPort, Path dir) {
      this.id = id;
      this.clientPort = clientPort;
      this.controllerPort = controllerPort;
      this.dir = dir;
      this.properties = dir.resolve("server.properties");
      this.logFile = dir.resolve("kafka.log");
      Path log4j = dir.resolve("log4j2.properties");
      DataDirectory.write(log4j, KafkaNodes.LOG4J2_CONFIG);
      this.jvmOptions = KafkaNodes.jvmOptions("64m", settings.maxHeap, log4j, settings.jvmOptions);
    }

    String name() {
      return SERVER + " node " + id;
    }

    String address() {
      return LoopbackPorts.HOST + ":" + clientPort;
    }

    synchronized boolean isRunning() {
      return jvm != null && jvm.isRunning();
    }

    void format(String clusterId) {
      KafkaNodes.formatUnlessFormatted(
          name(),
          settings.javaCommand,
          classpath,
          jvmOptions,
          properties,
          dir,
          temporary,
          logFile,
          clusterId,
          List.of(),
          settings.startTimeout);
    }

    synchronized void launch() {
      jvm =
          ChildProcess.launch(
              new ChildProcess.Launch(
                  name(),
                  settings.javaCommand,
                  classpath,
                  jvmOptions,
                  "kafka.Kafka",
                  List.of(properties.toString()),
                  dir,
                  temporary,
                  logFile));
    }

    void kill() {
      ChildProcess current;
      synchronized (this) {
        current = jvm;
      }
      if (current != null) {
        current.kill();
      }
    }

    void stop() {
      ChildProcess current;
      synchronized (this) {
        current = jvm;
      }
      if (current != null) {
        current.stop();
      }
    }

    /**
     * Launches the JVM again on the same ports and folder. A port that a killed JVM held can stay
     * taken for a moment; such a start is tried again.
     */
    synchronized void restart() {
      if (isRunning()) {
        throw new IllegalStateException(name() + " is running; kill(" + id + ") it first");
      }
      long deadline = System.nanoTime() + settings.startTimeout.toNanos();
      while (true) {
        launch();
        try {
          awaitReady(
              List.of(this),
              List.of(this),
              Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
              this::servesAsRegistered);
          return;
        } catch (EmbeddedServerException e) {
          if (!e.getMessage().contains("Address already in use") || System.nanoTime() > deadline) {
            throw e;
          }
          sleepQuietly(500);
        }
      }
    }

    /** The node answers on its own port, and every running node lists it as an unfenced broker. */
    private void servesAsRegistered(Duration remaining) throws Exception {
      if (!LoopbackPorts.accepting(clientPort)) {
        throw new IllegalStateException("port " + clientPort + " not accepting connections yet");
      }
      for (BrokerNode other : nodes.values()) {
        if (!other.isRunning()) {
          continue;
        }
        try (Admin admin = admin(other.address())) {
          Set<Integer> listed =
              admin
                  .describeCluster()
                  .nodes()
                  .get(Math.min(remaining.toMillis(), 10_000), TimeUnit.MILLISECONDS)
                  .stream()
                  .map(Node::id)
                  .collect(Collectors.toSet());
          if (!listed.contains(id)) {
            throw new IllegalStateException(
                "node " + other.id + " does not list node " + id + " yet: " + listed);
          }
        }
      }
    }

    private String serverProperties(String voters) {
      int n = settings.brokers;
      Map<String, String> config = new LinkedHashMap<>();
      config.put("process.roles", "broker,controller");
      config.put("node.id", String.valueOf(id));
      config.put(
          "listeners",
          "PLAINTEXT://"
              + LoopbackPorts.HOST
              + ":"
              + clientPort
              + ",CONTROLLER://"
              + LoopbackPorts.HOST
              + ":"
              + controllerPort);
      config.put("advertised.listeners", "PLAINTEXT://" + address());
      config.put("controller.listener.names", "CONTROLLER");
      config.put("inter.broker.listener.name", "PLAINTEXT");
      config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      config.put("controller.quorum.voters", voters);
      config.put("log.dirs", KafkaNodes.logDir(dir).toString());
      config.put("num.partitions", "1");
      // internal topics as replicated as a production cluster's, so a dead node takes no group or
      // transaction coordinator with it
      String internalReplicas = String.valueOf(Math.min(3, n));
      String internalMinIsr = String.valueOf(Math.min(2, n));
      config.put("offsets.topic.replication.factor", internalReplicas);
      config.put("offsets.topic.num.partitions", "5");
      config.put("transaction.state.log.replication.factor", internalReplicas);
      config.put("transaction.state.log.min.isr", internalMinIsr);
      config.put("transaction.state.log.num.partitions", "5");
      config.put("share.coordinator.state.topic.replication.factor", internalReplicas);
      config.put("share.coordinator.state.topic.min.isr", internalMinIsr);
      config.put("group.initial.rebalance.delay.ms", "0");
      // acknowledged records must survive a dead leader: only an in-sync replica may take over
      config.put("unclean.leader.election.enable", "false");
      // a killed node is fenced (and leaves every ISR) after 6 s instead of 9, a stuck follower
      // leaves the ISR after 10 s instead of 30
      config.put("broker.heartbeat.interval.ms", "1000");
      config.put("broker.session.timeout.ms", "6000");
      config.put("replica.lag.time.max.ms", "10000");
      // the nodes stop together (a test JVM's end): a controlled shutdown would wait a session
      // timeout for controllers that are stopping too. Stories SIGKILL a node, which skips it
      // anyway
      config.put("controlled.shutdown.enable", "false");
      // small: three of these share 2 cores and a few GB with everything else
      config.put("num.network.threads", "2");
      config.put("num.io.threads", "2");
      config.put("num.replica.fetchers", "1");
      config.put("background.threads", "2");
      // the log cleaner's offset map (128 MiB by default) would not fit a small heap
      config.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
      config.putAll(settings.brokerProperties);
      return KafkaNodes.propertiesText("EmbeddedKafkaCluster", config);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedServerException(SERVER + ": interrupted", e);
    }
  }

  /** Options for a cluster; every one has a working default. */
  public static final class Builder {
    private int brokers = 3;
    private Path dataDir;
    private Duration startTimeout = StartOptions.DEFAULT_START_TIMEOUT.multipliedBy(2);
    private Path javaCommand = StartOptions.currentJava();
    private String maxHeap = "256m";
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder() {}

    /** How many nodes (each a broker and a controller voter); default 3. */
    public Builder brokers(int brokers) {
      if (brokers < 1) {
        throw new IllegalArgumentException("a cluster needs at least one node, not " + brokers);
      }
      this.brokers = brokers;
      return this;
    }

    /**
     * A folder to keep (not deleted on stop), one sub-folder per node; default: a fresh temporary
     * folder deleted on stop.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** For the whole start and for each restart; default twice a single broker's. */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
      return this;
    }

    /** The {@code java} executable for the child JVMs; default: the running JVM's. */
    public Builder javaCommand(Path javaCommand) {
      this.javaCommand = javaCommand;
      return this;
    }

    /** {@code -Xmx} of each node, e.g. {@code 256m} (default). */
    public Builder maxHeap(String maxHeap) {
      this.maxHeap = maxHeap;
      return this;
    }

    /**
     * A {@code server.properties} entry of every node, added to or replacing the defaults (e.g.
     * {@code auto.create.topics.enable}).
     */
    public Builder brokerProperty(String key, String value) {
      brokerProperties.put(key, value);
      return this;
    }

    /** An extra option for every node's JVM. */
    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /**
     * Formats and starts every node and waits until a record produced with {@code acks=all} to a
     * topic replicated on all of them can be consumed.
     */
    public EmbeddedKafkaCluster start() {
      List<Path> classpath = ServerRuntime.classpath(SERVER, "kafka-broker");
      for (int attempt = 1; ; attempt++) {
        try {
          return startOnce(classpath);
        } catch (PortRaceLost e) {
          if (attempt >= BIND_RETRIES) {
            throw e.failure;
          }
        }
      }
    }

    private EmbeddedKafkaCluster startOnce(List<Path> classpath) {
      boolean temporary = dataDir == null;
      Path root =
          temporary
              ? DataDirectory.createTemporary("embedded-kafka-cluster-")
              : DataDirectory.create(dataDir);
      EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(this, classpath, root, temporary);
      List<String> voters = new ArrayList<>();
      for (int id = 1; id <= brokers; id++) {
        int clientPort = LoopbackPorts.free();
        int controllerPort = LoopbackPorts.free();
        PortCheck.requireFree(SERVER, "client", clientPort);
        PortCheck.requireFree(SERVER, "controller", controllerPort);
        Path dir = DataDirectory.create(root.resolve("node-" + id));
        cluster.nodes.put(id, cluster.new BrokerNode(id, clientPort, controllerPort, dir));
        voters.add(id + "@" + LoopbackPorts.HOST + ":" + controllerPort);
      }
      long launched = System.nanoTime();
      String clusterId = KafkaNodes.clusterId();
      List<CompletableFuture<Void>> formats = new ArrayList<>();
      for (BrokerNode node : cluster.nodes.values()) {
        DataDirectory.write(node.properties, node.serverProperties(String.join(",", voters)));
        formats.add(
            CompletableFuture.runAsync(
                () -> node.format(clusterId), EmbeddedKafkaCluster::runOnOwnThread));
      }
      try {
        formats.forEach(CompletableFuture::join);
      } catch (CompletionException e) {
        throw e.getCause() instanceof EmbeddedServerException failure ? failure : e;
      }
      try {
        cluster.nodes.values().forEach(BrokerNode::launch);
        cluster.awaitReady(
            cluster.nodes.values(), cluster.nodes.values(), startTimeout, cluster::roundTrip);
      } catch (EmbeddedServerException e) {
        cluster.nodes.values().forEach(BrokerNode::stop);
        // the folder of a failed start is kept: its logs explain the failure
        if (temporary && e.getMessage().contains("Address already in use")) {
          DataDirectory.delete(root); // the retry starts in a fresh folder on new ports
          throw new PortRaceLost(e);
        }
        throw e;
      }
      cluster.startupTime = Duration.ofNanos(System.nanoTime() - launched);
      return cluster;
    }
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
