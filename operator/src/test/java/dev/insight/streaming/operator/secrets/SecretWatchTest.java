package dev.insight.streaming.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.SecretRef;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which Secrets a pipeline is reconciled for, and that the watch's cache keeps none of their
 * values.
 */
class SecretWatchTest {

  @Test
  void aPipelineNamesTheSecretsOfItsKafkaClientAndBothSinks() {
    StreamingPipeline pipeline =
        TestPipelines.withCassandra(
            TestPipelines.withMongo(TestPipelines.pipeline("ns", "named", "kafka:9092")),
            "cassandra:9042",
            "dc1",
            true);
    SecretRef client = new SecretRef();
    client.setName("named-kafka");
    pipeline.getSpec().getKafka().setClientSecret(client);

    assertThat(SecretWatch.referencedNames(pipeline.getSpec()))
        .containsExactly("named-cassandra", "named-kafka", "named-mongo");
    assertThat(
            SecretWatch.referencedNames(
                TestPipelines.pipeline("ns", "none", "kafka:9092").getSpec()))
        .isEmpty();
  }

  @Test
  void theWatchStoresMetadataOnly() {
    SecretWatch.MetadataOnlyStore store = new SecretWatch.MetadataOnlyStore();
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("named-mongo")
            .withNamespace("ns")
            .withResourceVersion("42")
            .endMetadata()
            .withType("Opaque")
            .withData(Map.of("uri", "bW9uZ29kYjovL3U6cEBtOjI3MDE3"))
            .withStringData(Map.of("password", "s3cret"))
            .build();

    store.put(store.getKey(secret), secret);

    Secret kept = store.get("ns/named-mongo");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(kept.getType()).isEqualTo("Opaque");
    assertThat(kept.getData()).isNullOrEmpty();
    assertThat(kept.getStringData()).isNullOrEmpty();
    assertThat(secret.getData())
        .as("the informer's own object is left as it came")
        .containsKey("uri");
  }
}
