package dev.insight.streaming.operator.driver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.insight.streaming.jobconfig.CassandraSinkConfig;
import dev.insight.streaming.jobconfig.DeadLetterConfig;
import dev.insight.streaming.jobconfig.FieldConfig;
import dev.insight.streaming.jobconfig.JobConfig;
import dev.insight.streaming.jobconfig.KafkaConfig;
import dev.insight.streaming.jobconfig.MongoSinkConfig;
import dev.insight.streaming.jobconfig.PipelineRef;
import dev.insight.streaming.jobconfig.ReplicationConfig;
import dev.insight.streaming.jobconfig.SinksConfig;
import dev.insight.streaming.jobconfig.StreamConfig;
import dev.insight.streaming.jobconfig.TransformConfig;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import dev.insight.streaming.operator.api.spec.CassandraSinkSpec;
import dev.insight.streaming.operator.api.spec.JobSpec;
import dev.insight.streaming.operator.api.spec.KafkaSpec;
import dev.insight.streaming.operator.api.spec.MongoSinkSpec;
import dev.insight.streaming.operator.api.spec.TopicSpec;
import dev.insight.streaming.operator.api.spec.TransformSpec;

/**
 * Renders a pipeline into the job's {@link JobConfig} (the records of {@code job-contract}, which
 * the job parses with): every credential appears only as the name of the environment variable that
 * holds it.
 */
public final class JobConfigRenderer {

  // the API model's enums carry their JSON spelling (earliest, json, string) in Jackson annotations
  private static final ObjectMapper ENUMS = new ObjectMapper();

  private JobConfigRenderer() {}

  /** The JobConfig JSON for {@code pipeline}, whose credentials are in {@code secrets}. */
  public static String render(StreamingPipeline pipeline, SecretEnv secrets) {
    return config(pipeline, secrets).toJson();
  }

  /** The JobConfig for {@code pipeline}, whose credentials are in {@code secrets}. */
  public static JobConfig config(StreamingPipeline pipeline, SecretEnv secrets) {
    StreamingPipelineSpec spec = pipeline.getSpec();
    return new JobConfig(
        new PipelineRef(pipeline.getMetadata().getNamespace(), pipeline.getMetadata().getName()),
        kafka(pipeline, spec.getKafka(), secrets),
        stream(spec.getJob()),
        spec.getTransform() == null ? null : transform(spec.getTransform()),
        new SinksConfig(
            spec.getSinks().getCassandra() == null
                ? null
                : cassandra(spec.getSinks().getCassandra(), secrets),
            spec.getSinks().getMongodb() == null ? null : mongodb(spec.getSinks().getMongodb())),
        new DeadLetterConfig(pipeline.effectiveDeadLetterTopic()));
  }

  private static KafkaConfig kafka(StreamingPipeline pipeline, KafkaSpec kafka, SecretEnv secrets) {
    return new KafkaConfig(
        kafka.getBootstrapServers(),
        pipeline.effectiveConsumerGroup(),
        kafka.getTopics().stream().map(TopicSpec::getName).toList(),
        kafka.getStartingOffsets() == null
            ? null
            : KafkaConfig.StartingOffsets.valueOf(enumValue(kafka.getStartingOffsets())),
        kafka.getClientConfig(),
        secrets.kafkaProperties());
  }

  private static StreamConfig stream(JobSpec job) {
    return new StreamConfig(
        job.getBatchInterval(), job.getMaxRatePerPartition(), job.getBackpressure(), null);
  }

  private static TransformConfig transform(TransformSpec transform) {
    return new TransformConfig(
        transform.getFormat() == null ? null : enumValue(transform.getFormat()),
        transform.getKeyFields(),
        transform.getFields() == null
            ? null
            : transform.getFields().stream()
                .map(
                    f ->
                        new FieldConfig(
                            f.getName(),
                            f.getSource(),
                            f.getType() == null ? null : enumValue(f.getType())))
                .toList(),
        transform.getCustomClass());
  }

  private static CassandraSinkConfig cassandra(CassandraSinkSpec cassandra, SecretEnv secrets) {
    ReplicationConfig replication =
        cassandra.getReplication() == null
            ? null
            : new ReplicationConfig(
                cassandra.getReplication().getStrategy() == null
                    ? null
                    : cassandra.getReplication().getStrategy().name(),
                cassandra.getReplication().getFactor());
    return new CassandraSinkConfig(
        cassandra.getContactPoints(),
        cassandra.getLocalDatacenter(),
        cassandra.getKeyspace(),
        cassandra.getTable(),
        replication,
        secrets.hasCassandraCredentials() ? SecretEnv.CASSANDRA_USERNAME : null,
        secrets.hasCassandraCredentials() ? SecretEnv.CASSANDRA_PASSWORD : null,
        null);
  }

  private static MongoSinkConfig mongodb(MongoSinkSpec mongodb) {
    return new MongoSinkConfig(
        SecretEnv.MONGODB_URI, mongodb.getDatabase(), mongodb.getCollection(), null);
  }

  private static String enumValue(Enum<?> value) {
    return ENUMS.convertValue(value, String.class);
  }
}
