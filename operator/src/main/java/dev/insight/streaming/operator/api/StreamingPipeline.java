package dev.insight.streaming.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One Kafka -> Spark Streaming -> Cassandra/MongoDB pipeline, run by the operator from this
 * resource.
 */
@Group(StreamingPipeline.GROUP)
@Version(StreamingPipeline.VERSION)
@Kind(StreamingPipeline.KIND)
@Plural(StreamingPipeline.PLURAL)
@Singular("streamingpipeline")
@ShortNames(StreamingPipeline.SHORT_NAME)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Lag",
    jsonPath = ".status.lag.total",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Behind",
    jsonPath = ".status.lag.secondsBehind",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Driver",
    jsonPath = ".status.driver.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class StreamingPipeline
    extends CustomResource<StreamingPipelineSpec, StreamingPipelineStatus> implements Namespaced {

  public static final String GROUP = "streaming.insight.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "StreamingPipeline";
  public static final String PLURAL = "streamingpipelines";
  public static final String SHORT_NAME = "sp";

  /**
   * Suffix of the dead-letter topic when the spec names none: {@code
   * <metadata.namespace>.<metadata.name>.dlq}.
   */
  public static final String DEAD_LETTER_SUFFIX = ".dlq";

  /** The consumer group the job uses: the spec's, else {@code <namespace>.<name>}. */
  public String effectiveConsumerGroup() {
    var kafka = getSpec() == null ? null : getSpec().getKafka();
    if (kafka != null && kafka.getConsumerGroup() != null) {
      return kafka.getConsumerGroup();
    }
    return getMetadata().getNamespace() + "." + getMetadata().getName();
  }

  /**
   * The dead-letter topic: the spec's, else {@code <namespace>.<name>.dlq}; the namespace keeps
   * pipelines of the same name in two namespaces apart on one Kafka cluster.
   */
  public String effectiveDeadLetterTopic() {
    var deadLetter = getSpec() == null ? null : getSpec().getDeadLetter();
    if (deadLetter != null && deadLetter.getTopic() != null) {
      return deadLetter.getTopic();
    }
    return getMetadata().getNamespace() + "." + getMetadata().getName() + DEAD_LETTER_SUFFIX;
  }
}
