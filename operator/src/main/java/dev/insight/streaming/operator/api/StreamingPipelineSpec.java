package dev.insight.streaming.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.spec.DeadLetterSpec;
import dev.insight.streaming.operator.api.spec.DeletionPolicy;
import dev.insight.streaming.operator.api.spec.JobSpec;
import dev.insight.streaming.operator.api.spec.KafkaSpec;
import dev.insight.streaming.operator.api.spec.LagSpec;
import dev.insight.streaming.operator.api.spec.SinksSpec;
import dev.insight.streaming.operator.api.spec.TransformSpec;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** What the user asks for: where records come from, how they are processed, where they go. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.deadLetter) || !has(self.deadLetter.topic)"
            + " || !self.kafka.topics.exists(t, t.name == self.deadLetter.topic)",
    message =
        "deadLetter.topic must not be one of kafka.topics: rejected records would be read again;"
            + " pick another topic name",
    fieldPath = ".deadLetter.topic")
public class StreamingPipelineSpec {

  @Required
  @JsonPropertyDescription("Kafka cluster, consumer group and input topics.")
  private KafkaSpec kafka;

  @Required
  @JsonPropertyDescription(
      "The Spark Streaming job: image, batching, rate limits, resources, restart policy.")
  private JobSpec job;

  @JsonPropertyDescription(
      "How each record is parsed and projected into the rows written to the sinks."
          + " Omitted: JSON records written as they are, keyed by topic/partition/offset.")
  private TransformSpec transform;

  @Required
  @JsonPropertyDescription("Where rows are written. At least one of cassandra and mongodb.")
  private SinksSpec sinks;

  @JsonPropertyDescription(
      "Where malformed records go, with the reason. Omitted: topic <metadata.namespace>.<metadata.name>.dlq.")
  private DeadLetterSpec deadLetter;

  @JsonPropertyDescription(
      "How consumer lag is measured, evaluated and reported in status. Omitted: every field's"
          + " default.")
  @Default("{}")
  private LagSpec lag;

  @Default("false")
  @JsonPropertyDescription(
      "True stops the driver (after it stores its offsets) and keeps topics, sinks and"
          + " offsets; false runs it again from the stored offsets.")
  private Boolean suspend = false;

  @Default("Retain")
  @JsonPropertyDescription(
      "What happens to the input and dead-letter topics when the resource is deleted:"
          + " Retain keeps them, Delete deletes those this pipeline created"
          + " (status.topics[].createdTopicId); a topic that existed before is never deleted."
          + " Sink data is always kept.")
  private DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

  public KafkaSpec getKafka() {
    return kafka;
  }

  public void setKafka(KafkaSpec kafka) {
    this.kafka = kafka;
  }

  public JobSpec getJob() {
    return job;
  }

  public void setJob(JobSpec job) {
    this.job = job;
  }

  public TransformSpec getTransform() {
    return transform;
  }

  public void setTransform(TransformSpec transform) {
    this.transform = transform;
  }

  public SinksSpec getSinks() {
    return sinks;
  }

  public void setSinks(SinksSpec sinks) {
    this.sinks = sinks;
  }

  public DeadLetterSpec getDeadLetter() {
    return deadLetter;
  }

  public void setDeadLetter(DeadLetterSpec deadLetter) {
    this.deadLetter = deadLetter;
  }

  public LagSpec getLag() {
    return lag;
  }

  public void setLag(LagSpec lag) {
    this.lag = lag;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }
}
