package dev.insight.streaming.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServersExtension.class)
class KafkaRoundTripTest {

  private static final int PARTITIONS = 4;
  private static final int RECORDS = 400;

  @Test
  void recordsProducedToEveryPartitionAreConsumedBackInOrderPerPartition(EmbeddedKafka kafka)
      throws Exception {
    assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    String topic = "round-trip";
    kafka.createTopic(topic, PARTITIONS);

    Map<String, Object> producerConfig =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            30_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "key-" + i, "value-" + i));
      }
      producer.flush();
    }

    Properties consumerConfig = new Properties();
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "round-trip-test");
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<Integer, List<String>> valuesByPartition = new HashMap<>();
    int consumed = 0;
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (consumed < RECORDS && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          valuesByPartition
              .computeIfAbsent(record.partition(), p -> new ArrayList<>())
              .add(record.value());
          consumed++;
        }
      }
      consumer.commitSync();
    }

    assertThat(consumed).isEqualTo(RECORDS);
    assertThat(valuesByPartition).hasSize(PARTITIONS);
    for (int partition = 0; partition < PARTITIONS; partition++) {
      List<String> expected = new ArrayList<>();
      for (int i = partition; i < RECORDS; i += PARTITIONS) {
        expected.add("value-" + i);
      }
      assertThat(valuesByPartition.get(partition))
          .as("partition %d", partition)
          .isEqualTo(expected);
    }
  }
}
