package dev.insight.streaming.operator.testing;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.CassandraCredentials;
import dev.insight.streaming.operator.api.spec.CassandraSinkSpec;
import dev.insight.streaming.operator.api.spec.MongoSinkSpec;
import dev.insight.streaming.operator.api.spec.SecretKeyRef;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * StreamingPipeline resources for tests, pointed at the embedded servers; names derive from the
 * pipeline's name.
 */
public final class TestPipelines {

  private TestPipelines() {}

  /**
   * A valid pipeline reading topic {@code <name>-in} (2 partitions, retention.ms 3600000) from
   * {@code bootstrap}, with no sink yet: add one with {@link #withMongo} or {@link #withCassandra}.
   */
  public static StreamingPipeline pipeline(String namespace, String name, String bootstrap) {
    StreamingPipeline pipeline =
        Serialization.unmarshal(
            """
        apiVersion: streaming.insight.dev/v1alpha1
        kind: StreamingPipeline
        metadata: {name: %s, namespace: %s}
        spec:
          kafka:
            bootstrapServers: "%s"
            topics: [{name: %s-in, partitions: 2, replicationFactor: 1, config: {retention.ms: "3600000"}}]
          job: {image: streaming-pipeline-job:0.1.0}
          transform:
            keyFields: [id]
            fields: [{name: id}, {name: amount, type: double}, {name: customer}]
          sinks: {}
        """
                .formatted(name, namespace, bootstrap, name),
            StreamingPipeline.class);
    return pipeline;
  }

  /**
   * Adds a MongoDB sink: database {@code db_<name>}, collection {@code rows}, URI from Secret
   * {@code <name>-mongo}.
   */
  public static StreamingPipeline withMongo(StreamingPipeline pipeline) {
    MongoSinkSpec mongo = new MongoSinkSpec();
    SecretKeyRef uri = new SecretKeyRef();
    uri.setName(mongoSecret(pipeline));
    uri.setKey("uri");
    mongo.setUriSecret(uri);
    mongo.setDatabase("db_" + identifier(pipeline));
    mongo.setCollection("rows");
    pipeline.getSpec().getSinks().setMongodb(mongo);
    return pipeline;
  }

  /**
   * Adds a Cassandra sink: keyspace {@code ks_<name>}, table {@code rows}, credentials from Secret
   * {@code <name>-cassandra} when {@code withCredentials}.
   */
  public static StreamingPipeline withCassandra(
      StreamingPipeline pipeline, String contactPoint, String datacenter, boolean withCredentials) {
    CassandraSinkSpec cassandra = new CassandraSinkSpec();
    cassandra.setContactPoints(List.of(contactPoint));
    cassandra.setLocalDatacenter(datacenter);
    cassandra.setKeyspace("ks_" + identifier(pipeline));
    cassandra.setTable("rows");
    if (withCredentials) {
      CassandraCredentials credentials = new CassandraCredentials();
      credentials.setName(cassandraSecret(pipeline));
      cassandra.setCredentialsSecret(credentials);
    }
    pipeline.getSpec().getSinks().setCassandra(cassandra);
    return pipeline;
  }

  public static String mongoSecret(StreamingPipeline pipeline) {
    return pipeline.getMetadata().getName() + "-mongo";
  }

  public static String cassandraSecret(StreamingPipeline pipeline) {
    return pipeline.getMetadata().getName() + "-cassandra";
  }

  /** The input topic of {@link #pipeline}. */
  public static String inputTopic(StreamingPipeline pipeline) {
    return pipeline.getMetadata().getName() + "-in";
  }

  /** The pipeline's name as a CQL/MongoDB identifier. */
  public static String identifier(StreamingPipeline pipeline) {
    return pipeline.getMetadata().getName().replace('-', '_');
  }

  /** A loopback port nobody listens on (bound and released at once). */
  public static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Values for a Secret: {@code key -> value}. */
  public static Map<String, String> values(String... keyValues) {
    java.util.LinkedHashMap<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
