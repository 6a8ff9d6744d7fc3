package dev.insight.streaming.local.stories;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.local.demo.ServerAddresses;
import dev.insight.streaming.local.demo.SinkCounter;
import dev.insight.streaming.operator.api.StreamingPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * The local cluster's servers, reached directly from the test; one sink session per pipeline until
 * closed.
 */
final class LocalWorld implements PipelineWorld, AutoCloseable {

  private final ServerAddresses servers;
  private final Map<String, SinkCounter> counters = new java.util.HashMap<>();

  /** The addresses of the test JVM's shared Kafka, Cassandra and MongoDB-wire servers. */
  static ServerAddresses sharedServers() {
    EmbeddedKafka kafka = SharedServers.kafka();
    EmbeddedCassandra cassandra = SharedServers.cassandra();
    EmbeddedMongo mongo = SharedServers.mongo();
    return new ServerAddresses(
        kafka.bootstrapServers(),
        cassandra.contactPoint(),
        cassandra.localDatacenter(),
        mongo.connectionString());
  }

  LocalWorld(ServerAddresses servers) {
    this.servers = servers;
  }

  @Override
  public void produce(StreamingPipeline pipeline, List<String> records) {
    String topic = pipeline.getSpec().getKafka().getTopics().get(0).getName();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      // the operator creates the topic; until then the producer only waits for its metadata
      Awaitility.await()
          .atMost(Duration.ofSeconds(120))
          .ignoreExceptions()
          .until(() -> !producer.partitionsFor(topic).isEmpty());
      // a distinct key each: the key's hash spreads them over every partition, where the sticky
      // partitioner of keyless records may leave a partition empty
      for (int i = 0; i < records.size(); i++) {
        producer.send(new ProducerRecord<>(topic, "record-" + i, records.get(i)));
      }
      producer.flush();
    }
  }

  @Override
  public long cassandraRows(StreamingPipeline pipeline) {
    return counter(pipeline).cassandraRows().orElse(-1);
  }

  @Override
  public long mongoDocuments(StreamingPipeline pipeline) {
    return counter(pipeline).mongoDocuments().orElse(-1);
  }

  private synchronized SinkCounter counter(StreamingPipeline pipeline) {
    return counters.computeIfAbsent(
        pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName(),
        k -> new SinkCounter(pipeline, servers));
  }

  @Override
  public synchronized void close() {
    counters.values().forEach(SinkCounter::close);
    counters.clear();
  }
}
