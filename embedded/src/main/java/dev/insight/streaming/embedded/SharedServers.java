package dev.insight.streaming.embedded;

import java.util.function.Supplier;

/** Each server at most once per JVM, started lazily, stopped at JVM exit. */
public final class SharedServers {

  private static final Shared<EmbeddedKafka> KAFKA =
      new Shared<>(EmbeddedKafka::start, EmbeddedKafka::stop);
  private static final Shared<EmbeddedKafkaCluster> KAFKA_CLUSTER =
      new Shared<>(SharedServers::startKafkaCluster, EmbeddedKafkaCluster::stop);
  private static final Shared<EmbeddedCassandra> CASSANDRA =
      new Shared<>(EmbeddedCassandra::start, EmbeddedCassandra::stop);
  private static final Shared<EmbeddedMongo> MONGO =
      new Shared<>(EmbeddedMongo::start, EmbeddedMongo::stop);
  private static final Shared<EmbeddedKubernetes> KUBERNETES =
      new Shared<>(EmbeddedKubernetes::start, EmbeddedKubernetes::stop);

  private SharedServers() {}

  /** The JVM's Kafka broker; do not stop it, other test classes share it. */
  public static EmbeddedKafka kafka() {
    return KAFKA.get();
  }

  /**
   * The JVM's three-node Kafka cluster (replication factor 3 possible, a broker can be killed and
   * restarted), with {@code auto.create.topics.enable=true} set explicitly; do not stop it, other
   * test classes share it. A test that kills a node restarts it before it ends ({@link
   * EmbeddedKafkaCluster#restartStopped()}).
   */
  public static EmbeddedKafkaCluster kafkaCluster() {
    return KAFKA_CLUSTER.get();
  }

  private static EmbeddedKafkaCluster startKafkaCluster() {
    return EmbeddedKafkaCluster.builder()
        .brokers(3)
        .brokerProperty("auto.create.topics.enable", "true")
        .start();
  }

  /** The JVM's Cassandra node; do not stop it, other test classes share it. */
  public static EmbeddedCassandra cassandra() {
    return CASSANDRA.get();
  }

  /** The JVM's MongoDB-wire server; do not stop it, other test classes share it. */
  public static EmbeddedMongo mongo() {
    return MONGO.get();
  }

  /**
   * The JVM's Kubernetes control plane; do not stop it, other test classes share it (isolate by
   * namespace).
   */
  public static EmbeddedKubernetes kubernetes() {
    return KUBERNETES.get();
  }

  /**
   * One lazily started server; a failed start is remembered, so every later caller gets the same
   * error fast.
   */
  private static final class Shared<T> {
    private final Supplier<T> starter;
    private final java.util.function.Consumer<T> stopper;
    private T server;
    private EmbeddedServerException failure;

    Shared(Supplier<T> starter, java.util.function.Consumer<T> stopper) {
      this.starter = starter;
      this.stopper = stopper;
    }

    synchronized T get() {
      if (server != null) {
        return server;
      }
      if (failure != null) {
        throw new EmbeddedServerException(
            "shared server failed to start earlier in this JVM: " + failure.getMessage(), failure);
      }
      try {
        T started = starter.get();
        ShutdownOrder.register(
            ShutdownOrder.Stage.SERVERS, "stop shared " + started, () -> stopper.accept(started));
        server = started;
        return started;
      } catch (EmbeddedServerException e) {
        failure = e;
        throw e;
      }
    }
  }
}
