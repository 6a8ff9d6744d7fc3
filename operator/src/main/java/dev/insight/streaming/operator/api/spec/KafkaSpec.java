package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Kafka side of the pipeline: cluster, consumer group, input topics, client settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "has(oldSelf.consumerGroup) ? (has(self.consumerGroup) && self.consumerGroup == oldSelf.consumerGroup)"
            + " : !has(self.consumerGroup)",
    message =
        "kafka.consumerGroup is immutable: it cannot be added, changed or removed after creation because"
            + " stored offsets and lag belong to the group; create a new StreamingPipeline to use another group",
    fieldPath = ".consumerGroup")
public class KafkaSpec {

  @Required
  @Size(min = 1, max = 2048)
  @Pattern(Formats.HOST_PORT_LIST)
  @JsonPropertyDescription(
      "Kafka bootstrap servers, comma-separated host:port pairs, e.g. kafka:9092.")
  private String bootstrapServers;

  @Size(min = 1, max = 249)
  @Pattern(Formats.CONSUMER_GROUP)
  @JsonPropertyDescription(
      "Consumer group the job commits offsets to (for monitoring). Omitted:"
          + " <metadata.namespace>.<metadata.name>. Immutable after creation.")
  private String consumerGroup;

  @Required
  @Size(min = 1, max = 32)
  @JsonPropertyDescription(
      "Input topics. The operator creates missing ones and raises partitions when asked;"
          + " partitions never decrease.")
  @ValidationRule(
      value = "self.all(t, self.exists_one(u, u.name == t.name))",
      message = "kafka.topics must have unique names: remove or rename the duplicate topic")
  @ValidationRule(
      value =
          "self.all(t, !oldSelf.exists(o, o.name == t.name)"
              + " || oldSelf.exists(o, o.name == t.name"
              + " && (has(t.partitions) ? t.partitions : 1) >= (has(o.partitions) ? o.partitions : 1)))",
      message =
          "kafka.topics[].partitions cannot decrease (Kafka cannot remove partitions):"
              + " keep at least the previous partition count")
  private List<TopicSpec> topics = new ArrayList<>();

  @Default("earliest")
  @JsonPropertyDescription(
      "Where to start a partition that has no stored offset: earliest or latest.")
  private StartingOffsets startingOffsets = StartingOffsets.EARLIEST;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Extra, non-secret Kafka client properties, e.g. security.protocol: SASL_SSL,"
          + " sasl.mechanism: SCRAM-SHA-512. Credentials go in clientSecret.")
  @ValidationRule(
      value =
          "!self.exists(k, k == 'sasl.jaas.config' || k.endsWith('.password')"
              + " || k.endsWith('.key') || k.endsWith('.certificates'))",
      message =
          "kafka.clientConfig must not hold credentials (sasl.jaas.config, *.password, *.key,"
              + " *.certificates): put them in the Secret named by kafka.clientSecret")
  private Map<String, String> clientConfig;

  @JsonPropertyDescription(
      "Secret whose keys are Kafka client properties holding credentials, e.g."
          + " sasl.jaas.config, ssl.truststore.password. Passed to the driver as environment, never logged.")
  private SecretRef clientSecret;

  public String getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  public String getConsumerGroup() {
    return consumerGroup;
  }

  public void setConsumerGroup(String consumerGroup) {
    this.consumerGroup = consumerGroup;
  }

  public List<TopicSpec> getTopics() {
    return topics;
  }

  public void setTopics(List<TopicSpec> topics) {
    this.topics = topics;
  }

  public StartingOffsets getStartingOffsets() {
    return startingOffsets;
  }

  public void setStartingOffsets(StartingOffsets startingOffsets) {
    this.startingOffsets = startingOffsets;
  }

  public Map<String, String> getClientConfig() {
    return clientConfig;
  }

  public void setClientConfig(Map<String, String> clientConfig) {
    this.clientConfig = clientConfig;
  }

  public SecretRef getClientSecret() {
    return clientSecret;
  }

  public void setClientSecret(SecretRef clientSecret) {
    this.clientSecret = clientSecret;
  }
}
