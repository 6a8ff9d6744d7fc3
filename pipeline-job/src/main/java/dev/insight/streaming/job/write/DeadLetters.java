package dev.insight.streaming.job.write;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends malformed records to the dead-letter topic: original key and value bytes, reason and origin
 * in headers.
 */
final class DeadLetters implements Serializable {

  public static final String REASON = "dlq.reason";
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  public static final String PIPELINE = "dlq.pipeline";

  // one producer per executor JVM and client configuration, like the Kafka consumers Spark caches
  private static final Map<Map<String, Object>, KafkaProducer<byte[], byte[]>> PRODUCERS =
      new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> PRODUCERS.values().forEach(KafkaProducer::close), "dlq-producers-close"));
  }

  private final Map<String, Object> producerConfig;
  private final String topic;
  private final String pipeline;

  DeadLetters(
      Map<String, Object> clientProperties,
      String bootstrapServers,
      String topic,
      String pipeline) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producerConfig = Map.copyOf(config);
    this.topic = topic;
    this.pipeline = pipeline;
  }

  /** Sends the rejected records and returns when the broker has acknowledged all of them. */
  void send(List<Rejected> rejected) {
    if (rejected.isEmpty()) {
      return;
    }
    KafkaProducer<byte[], byte[]> producer =
        PRODUCERS.computeIfAbsent(producerConfig, KafkaProducer::new);
    List<Future<RecordMetadata>> sent = new ArrayList<>(rejected.size());
    for (Rejected r : rejected) {
      ConsumerRecord<byte[], byte[]> source = r.record();
      RecordHeaders headers = new RecordHeaders();
      source.headers().forEach(headers::add);
      headers.add(REASON, utf8(r.reason()));
      headers.add(SOURCE_TOPIC, utf8(source.topic()));
      headers.add(SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
      headers.add(SOURCE_OFFSET, utf8(Long.toString(source.offset())));
      headers.add(PIPELINE, utf8(pipeline));
      sent.add(
          producer.send(new ProducerRecord<>(topic, null, source.key(), source.value(), headers)));
    }
    try {
      for (Future<RecordMetadata> f : sent) {
        f.get(); // a dead letter not stored must fail the batch, or the record would vanish
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending dead letters", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot send dead letters to " + topic + ": " + e.getCause(), e.getCause());
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A record that could not become a row, and why. */
  record Rejected(ConsumerRecord<byte[], byte[]> record, String reason) {}
}
