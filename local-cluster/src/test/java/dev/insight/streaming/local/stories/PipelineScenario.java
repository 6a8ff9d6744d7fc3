package dev.insight.streaming.local.stories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.FieldSpec;
import dev.insight.streaming.operator.api.status.LagEvaluation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One whole-pipeline story, the same on every cluster (the local one here, k3s where Docker runs):
 * a pipeline already applied turns Ready, records produced reach both sinks exactly once, the
 * status shows lag 0 over every partition, and deleting the pipeline leaves none of its children
 * (the garbage collector follows their owner references).
 */
final class PipelineScenario {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PipelineScenario() {}

  static void run(
      KubernetesClient client,
      String namespace,
      String name,
      PipelineWorld world,
      int records,
      Duration patience) {
    StreamingPipeline pipeline = get(client, namespace, name);
    assertThat(pipeline).as("pipeline %s/%s is applied", namespace, name).isNotNull();
    world.produce(pipeline, records(pipeline, records, name + "-"));

    await()
        .atMost(patience)
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              StreamingPipeline p = get(client, namespace, name);
              assertDrained(p, world.cassandraRows(p), world.mongoDocuments(p), records);
            });

    String uid = get(client, namespace, name).getMetadata().getUid();
    assertThat(children(client, namespace, uid)).as("children of %s", name).isNotEmpty();
    client.resources(StreamingPipeline.class).inNamespace(namespace).withName(name).delete();
    await()
        .atMost(patience)
        .untilAsserted(
            () -> {
              assertThat(get(client, namespace, name)).as("%s is gone", name).isNull();
              assertThat(children(client, namespace, uid))
                  .as("children of %s after its deletion", name)
                  .isEmpty();
            });
  }

  /**
   * Exactly {@code expected} rows in each sink (none lost, none duplicated) and, in the same
   * status, Ready=True and lag 0 evaluated OK over every partition of the pipeline's topics, each
   * of which received records.
   */
  static void assertDrained(
      StreamingPipeline p, long cassandraRows, long mongoDocuments, long expected) {
    String name = p.getMetadata().getName();
    assertThat(cassandraRows).as("Cassandra rows of %s", name).isEqualTo(expected);
    assertThat(mongoDocuments).as("MongoDB documents of %s", name).isEqualTo(expected);
    assertThat(p.getStatus()).as("status of %s", name).isNotNull();
    assertThat(p.getStatus().getConditions())
        .as("conditions of %s", name)
        .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
    var lag = p.getStatus().getLag();
    assertThat(lag).as("lag in the status of %s", name).isNotNull();
    assertThat(lag.getTotal()).as("total lag of %s", name).isZero();
    assertThat(lag.getEvaluation()).as("lag evaluation of %s", name).isEqualTo(LagEvaluation.OK);
    int partitions =
        p.getSpec().getKafka().getTopics().stream()
            .mapToInt(t -> t.getPartitions() == null ? 1 : t.getPartitions())
            .sum();
    assertThat(lag.getPartitionCount())
        .as("partitions evaluated for %s", name)
        .isEqualTo(partitions);
    assertThat(lag.getPartitions())
        .as("records reached every partition of %s", name)
        .hasSize(partitions)
        .allSatisfy(part -> assertThat(part.getEnd()).isPositive());
  }

  /**
   * JSON records the pipeline's transform accepts: every field it reads, of its type, a distinct
   * key each.
   */
  static List<String> records(StreamingPipeline pipeline, int count, String prefix) {
    List<String> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ObjectNode record = JSON.createObjectNode();
      for (FieldSpec field : pipeline.getSpec().getTransform().getFields()) {
        String path = field.getSource() == null ? field.getName() : field.getSource();
        ObjectNode parent = record;
        String[] parts = path.split("\\.");
        for (int p = 0; p < parts.length - 1; p++) {
          parent =
              parent.has(parts[p]) ? (ObjectNode) parent.get(parts[p]) : parent.putObject(parts[p]);
        }
        String leaf = parts[parts.length - 1];
        switch (field.getType()) {
          case LONG -> parent.put(leaf, (long) i);
          case DOUBLE -> parent.put(leaf, i * 1.5);
          case BOOLEAN -> parent.put(leaf, i % 2 == 0);
          case TIMESTAMP -> parent.put(leaf, Instant.ofEpochSecond(1_700_000_000L + i).toString());
          default -> parent.put(leaf, prefix + i);
        }
      }
      records.add(record.toString());
    }
    return records;
  }

  private static StreamingPipeline get(KubernetesClient client, String namespace, String name) {
    return client.resources(StreamingPipeline.class).inNamespace(namespace).withName(name).get();
  }

  /** Every object in the namespace whose owner reference points at the pipeline. */
  private static List<HasMetadata> children(KubernetesClient client, String namespace, String uid) {
    return Stream.of(
            client.pods().inNamespace(namespace).list().getItems().stream(),
            client.configMaps().inNamespace(namespace).list().getItems().stream(),
            client.services().inNamespace(namespace).list().getItems().stream(),
            client.serviceAccounts().inNamespace(namespace).list().getItems().stream(),
            client.rbac().roles().inNamespace(namespace).list().getItems().stream(),
            client.rbac().roleBindings().inNamespace(namespace).list().getItems().stream())
        .flatMap(s -> s.map(HasMetadata.class::cast))
        .filter(
            o ->
                o.getMetadata().getOwnerReferences() != null
                    && o.getMetadata().getOwnerReferences().stream()
                        .anyMatch(ref -> uid.equals(ref.getUid())))
        .toList();
  }
}
