package dev.insight.streaming.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker started in a folder it was told to keep starts again in it, with its topics and records.
 */
class KeptKafkaFolderTest {

  @Test
  void aBrokerRestartsInItsKeptFolderWithItsRecords(@TempDir Path kept) throws Exception {
    Path dir = kept.resolve("broker");
    try (EmbeddedKafka first = EmbeddedKafka.builder().dataDir(dir).start()) {
      first.createTopic("kept", 2);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  first.bootstrapServers(),
                  ProducerConfig.ACKS_CONFIG,
                  "all"),
              new StringSerializer(),
              new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("kept", i % 2, "k" + i, "v" + i)).get();
        }
      }
    }
    assertThat(dir.resolve("server.properties")).exists();

    try (EmbeddedKafka second = EmbeddedKafka.builder().dataDir(dir).start();
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).contains("kept");
      Map<TopicPartition, OffsetSpec> latest =
          Map.of(
              new TopicPartition("kept", 0),
              OffsetSpec.latest(),
              new TopicPartition("kept", 1),
              OffsetSpec.latest());
      long total =
          admin.listOffsets(latest).all().get().values().stream()
              .mapToLong(info -> info.offset())
              .sum();
      assertThat(total).as("records kept across the restart").isEqualTo(10);
    }
  }
}
