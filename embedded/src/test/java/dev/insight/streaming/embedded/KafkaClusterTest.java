package dev.insight.streaming.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A three-node cluster of its own: replicated writes survive a SIGKILLed leader, the node comes
 * back on its ports with its data, and stop() leaves no JVM and no folder behind.
 */
class KafkaClusterTest {

  private static final String TOPIC = "replicated";

  @Test
  void aKilledLeaderLosesNoAcknowledgedRecordAndComesBackOnItsPorts() throws Exception {
    Set<Long> before = ChildProcesses.alive();
    EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().brokers(3).start();
    List<Long> pids = new ArrayList<>();
    try {
      System.out.printf(
          "3-node cluster ready in %d ms; resident memory per node: %s MiB%n",
          cluster.startupTime().toMillis(),
          cluster.nodeIds().stream().map(id -> cluster.residentBytes(id) / (1024 * 1024)).toList());
      assertThat(cluster.nodeIds()).containsExactly(1, 2, 3);
      assertThat(cluster.bootstrapServers())
          .matches("127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+");
      cluster.nodeIds().forEach(id -> pids.add(cluster.pid(id)));
      cluster.createTopic(TOPIC, 1, 3, Map.of("min.insync.replicas", "2"));
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        TopicDescription topic =
            admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
        assertThat(topic.partitions().get(0).replicas())
            .extracting(Node::id)
            .containsExactlyInAnyOrder(1, 2, 3);
      }

      try (KafkaProducer<String, String> producer = producer(cluster)) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>(TOPIC, 0, null, "before-" + i)).get();
        }
        int leader = cluster.leaderOf(TOPIC, 0);
        assertThat(leader).isIn(1, 2, 3);
        int port = cluster.port(leader);
        cluster.kill(leader);
        assertThat(cluster.isRunning(leader)).isFalse();
        assertThat(ChildProcesses.isAlive(pids.get(leader - 1))).isFalse();

        // acks=all with two of three in sync: the writes go on once another replica leads
        for (int i = 0; i < 100; i++) {
          producer
              .send(new ProducerRecord<>(TOPIC, 0, null, "during-" + i))
              .get(60, TimeUnit.SECONDS);
        }
        int newLeader = cluster.leaderOf(TOPIC, 0);
        assertThat(newLeader).isNotEqualTo(leader).isIn(1, 2, 3);

        Duration restart = cluster.restart(leader);
        System.out.printf("node %d restarted in %d ms%n", leader, restart.toMillis());
        assertThat(cluster.isRunning(leader)).isTrue();
        assertThat(cluster.port(leader)).isEqualTo(port);
        cluster.awaitInSync(TOPIC, Duration.ofSeconds(60));
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>(TOPIC, 0, null, "after-" + i)).get();
        }
      }

      List<String> values = consumeAll(cluster.bootstrapServers(), 300);
      List<String> expected = new ArrayList<>();
      for (String phase : List.of("before-", "during-", "after-")) {
        for (int i = 0; i < 100; i++) {
          expected.add(phase + i);
        }
      }
      assertThat(values).isEqualTo(expected);
      cluster.nodeIds().forEach(id -> pids.add(cluster.pid(id)));
      System.out.printf(
          "resident memory per node at the end: %s MiB%n",
          cluster.nodeIds().stream().map(id -> cluster.residentBytes(id) / (1024 * 1024)).toList());
    } finally {
      cluster.stop();
    }
    assertThat(pids).noneMatch(ChildProcesses::isAlive);
    assertThat(ChildProcesses.alive()).isSubsetOf(before);
    assertThat(cluster.dataDir()).doesNotExist();
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafkaCluster cluster) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            60_000),
        new StringSerializer(),
        new StringSerializer());
  }

  private static List<String> consumeAll(String bootstrap, int count) {
    TopicPartition partition = new TopicPartition(TOPIC, 0);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (values.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }
}
