package dev.insight.streaming.operator.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import dev.insight.streaming.operator.api.spec.CassandraSinkSpec;
import dev.insight.streaming.operator.api.spec.FieldSpec;
import dev.insight.streaming.operator.api.spec.JobSpec;
import dev.insight.streaming.operator.api.spec.KafkaSpec;
import dev.insight.streaming.operator.api.spec.MongoSinkSpec;
import dev.insight.streaming.operator.api.spec.TopicSpec;
import dev.insight.streaming.operator.api.spec.TransformSpec;
import java.util.TreeMap;

/**
 * Renders a pipeline into the job's JobConfig document (the contract in {@code pipeline-job}'s
 * {@code JobConfig}): every credential appears only as the name of the environment variable that
 * holds it.
 */
public final class JobConfigRenderer {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JobConfigRenderer() {}

  /** The JobConfig JSON for {@code pipeline}, whose credentials are in {@code secrets}. */
  public static String render(StreamingPipeline pipeline, SecretEnv secrets) {
    try {
      return MAPPER.writeValueAsString(tree(pipeline, secrets)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }

  static ObjectNode tree(StreamingPipeline pipeline, SecretEnv secrets) {
    StreamingPipelineSpec spec = pipeline.getSpec();
    ObjectNode root = MAPPER.createObjectNode();
    root.putObject("pipeline")
        .put("namespace", pipeline.getMetadata().getNamespace())
        .put("name", pipeline.getMetadata().getName());
    root.set("kafka", kafka(pipeline, spec.getKafka(), secrets));
    root.set("stream", stream(spec.getJob()));
    if (spec.getTransform() != null) {
      root.set("transform", transform(spec.getTransform()));
    }
    ObjectNode sinks = root.putObject("sinks");
    if (spec.getSinks().getCassandra() != null) {
      sinks.set("cassandra", cassandra(spec.getSinks().getCassandra(), secrets));
    }
    if (spec.getSinks().getMongodb() != null) {
      sinks.set("mongodb", mongodb(spec.getSinks().getMongodb()));
    }
    root.putObject("deadLetter").put("topic", pipeline.effectiveDeadLetterTopic());
    return root;
  }

  private static ObjectNode kafka(StreamingPipeline pipeline, KafkaSpec kafka, SecretEnv secrets) {
    ObjectNode node =
        MAPPER
            .createObjectNode()
            .put("bootstrapServers", kafka.getBootstrapServers())
            .put("consumerGroup", pipeline.effectiveConsumerGroup());
    ArrayNode topics = node.putArray("topics");
    kafka.getTopics().stream().map(TopicSpec::getName).forEach(topics::add);
    if (kafka.getStartingOffsets() != null) {
      node.put("startingOffsets", enumValue(kafka.getStartingOffsets()));
    }
    if (kafka.getClientConfig() != null && !kafka.getClientConfig().isEmpty()) {
      node.set("clientConfig", MAPPER.valueToTree(new TreeMap<>(kafka.getClientConfig())));
    }
    if (!secrets.kafkaProperties().isEmpty()) {
      node.set("clientConfigFromEnv", MAPPER.valueToTree(new TreeMap<>(secrets.kafkaProperties())));
    }
    return node;
  }

  private static ObjectNode stream(JobSpec job) {
    ObjectNode node = MAPPER.createObjectNode();
    if (job.getBatchInterval() != null) {
      node.put("batchInterval", job.getBatchInterval());
    }
    if (job.getMaxRatePerPartition() != null) {
      node.put("maxRatePerPartition", job.getMaxRatePerPartition());
    }
    if (job.getBackpressure() != null) {
      node.put("backpressure", job.getBackpressure());
    }
    return node;
  }

  private static ObjectNode transform(TransformSpec transform) {
    ObjectNode node = MAPPER.createObjectNode();
    if (transform.getFormat() != null) {
      node.put("format", enumValue(transform.getFormat()));
    }
    ArrayNode keys = node.putArray("keyFields");
    if (transform.getKeyFields() != null) {
      transform.getKeyFields().forEach(keys::add);
    }
    ArrayNode fields = node.putArray("fields");
    if (transform.getFields() != null) {
      for (FieldSpec field : transform.getFields()) {
        ObjectNode f = fields.addObject().put("name", field.getName());
        if (field.getSource() != null) {
          f.put("source", field.getSource());
        }
        if (field.getType() != null) {
          f.put("type", enumValue(field.getType()));
        }
      }
    }
    if (transform.getCustomClass() != null) {
      node.put("customClass", transform.getCustomClass());
    }
    return node;
  }

  private static ObjectNode cassandra(CassandraSinkSpec cassandra, SecretEnv secrets) {
    ObjectNode node = MAPPER.createObjectNode();
    ArrayNode points = node.putArray("contactPoints");
    cassandra.getContactPoints().forEach(points::add);
    node.put("localDatacenter", cassandra.getLocalDatacenter())
        .put("keyspace", cassandra.getKeyspace())
        .put("table", cassandra.getTable());
    if (cassandra.getReplication() != null) {
      ObjectNode replication = node.putObject("replication");
      if (cassandra.getReplication().getStrategy() != null) {
        replication.put("class", cassandra.getReplication().getStrategy().name());
      }
      if (cassandra.getReplication().getFactor() != null) {
        replication.put("factor", cassandra.getReplication().getFactor());
      }
    }
    if (secrets.hasCassandraCredentials()) {
      node.put("usernameEnv", SecretEnv.CASSANDRA_USERNAME)
          .put("passwordEnv", SecretEnv.CASSANDRA_PASSWORD);
    }
    return node;
  }

  private static ObjectNode mongodb(MongoSinkSpec mongodb) {
    return MAPPER
        .createObjectNode()
        .put("uriEnv", SecretEnv.MONGODB_URI)
        .put("database", mongodb.getDatabase())
        .put("collection", mongodb.getCollection());
  }

  // the API model's enums carry their JSON spelling (earliest, json, string) in Jackson annotations
  private static String enumValue(Enum<?> value) {
    return MAPPER.convertValue(value, String.class);
  }
}
