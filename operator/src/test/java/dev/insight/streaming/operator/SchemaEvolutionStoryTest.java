package dev.insight.streaming.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.FieldSpec;
import dev.insight.streaming.operator.api.spec.FieldType;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.driver.DriverContract;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution against the real API server and a real Cassandra node: a field added to a
 * running pipeline gets its column before the new driver pod exists, and a field whose type changed
 * is refused with a condition while the running driver stays as it is.
 */
class SchemaEvolutionStoryTest {

  static final String NS = "schema-stories";
  static final Duration WITHIN = Duration.ofSeconds(60);

  static TestKubernetes kube;
  static PipelineOperator operator;
  static CqlSession cassandra;
  static String bootstrap;
  static EmbeddedCassandra cassandraNode;

  @BeforeAll
  static void start() {
    bootstrap = SharedServers.kafka().bootstrapServers();
    cassandraNode = SharedServers.cassandra();
    kube = TestKubernetes.start(NS);
    operator = new PipelineOperator(kube.client(), OperatorSettings.defaults()).start();
    cassandra =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(cassandraNode.host(), cassandraNode.port()))
            .withLocalDatacenter(cassandraNode.localDatacenter())
            .build();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (cassandra != null) {
      cassandra.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void aFieldAddedToARunningPipelineHasItsColumnBeforeTheNewDriverPodExists() throws Exception {
    Pod first = runningPipeline("grow");
    assertThat(columns("ks_grow")).doesNotContainKey("placedAt");

    // the columns as they are at the moment the API server announces the new driver pod
    CompletableFuture<Map<String, String>> columnsAtNewPod = new CompletableFuture<>();
    try (Watch watch =
        kube.client()
            .pods()
            .inNamespace(NS)
            .withName("grow-driver")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (action == Action.ADDED
                        && !pod.getMetadata().getUid().equals(first.getMetadata().getUid())) {
                      columnsAtNewPod.complete(columns("ks_grow"));
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    columnsAtNewPod.completeExceptionally(cause);
                  }
                })) {
      edit(
          "grow",
          p -> p.getSpec().getTransform().getFields().add(field("placedAt", FieldType.TIMESTAMP)));

      assertThat(columnsAtNewPod.get(WITHIN.toSeconds(), TimeUnit.SECONDS))
          .containsEntry("placedAt", "timestamp")
          .containsEntry("amount", "double");
    }
    Pod second = kube.client().pods().inNamespace(NS).withName("grow-driver").get();
    assertThat(second.getMetadata().getAnnotations().get(DriverContract.SPEC_HASH_ANNOTATION))
        .isNotEqualTo(
            first.getMetadata().getAnnotations().get(DriverContract.SPEC_HASH_ANNOTATION));
  }

  @Test
  void aChangedFieldTypeIsRefusedAndTheRunningDriverIsLeftAlone() throws Exception {
    Pod first = runningPipeline("retype");
    assertThat(columns("ks_retype")).containsEntry("amount", "double");

    edit(
        "retype",
        p -> {
          p.getSpec().getTransform().getFields().get(1).setType(FieldType.STRING);
          p.getSpec().getTransform().getFields().add(field("currency", FieldType.STRING));
        });

    Condition refused =
        PipelineStatus.await(
            kube.client(),
            pipeline("retype"),
            Conditions.SINKS_READY,
            Conditions.FALSE,
            "SinkSchemaIncompatible",
            WITHIN);
    assertThat(refused.getMessage())
        .contains(
            "spec.transform.fields 'amount' is string (Cassandra text) but column amount of"
                + " ks_retype.rows is double")
        .contains("new field name")
        .contains("new table");
    // give the operator its next tries (backoff starts at 5 s): the driver stays
    Thread.sleep(8_000);
    Pod now = kube.client().pods().inNamespace(NS).withName("retype-driver").get();
    assertThat(now.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
    assertThat(now.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(now.getMetadata().getAnnotations().get(DriverContract.SPEC_HASH_ANNOTATION))
        .isEqualTo(first.getMetadata().getAnnotations().get(DriverContract.SPEC_HASH_ANNOTATION));
    assertThat(columns("ks_retype"))
        .as("nothing changed in the table, not even the new field's column")
        .containsEntry("amount", "double")
        .doesNotContainKey("currency");

    // back to the table's type: the new field's column comes, then the new driver
    edit("retype", p -> p.getSpec().getTransform().getFields().get(1).setType(FieldType.DOUBLE));
    PipelineStatus.await(
        kube.client(),
        pipeline("retype"),
        Conditions.SINKS_READY,
        Conditions.TRUE,
        "Ready",
        WITHIN);
    assertThat(columns("ks_retype")).containsEntry("currency", "text");
    await("the driver redeployed with the fixed spec")
        .atMost(WITHIN)
        .until(
            () ->
                Objects.requireNonNullElse(
                    kube.client().pods().inNamespace(NS).withName("retype-driver").get(), first),
            pod -> !pod.getMetadata().getUid().equals(first.getMetadata().getUid()));
  }

  /** Creates a Cassandra pipeline, waits for its driver pod and plays the kubelet: it runs. */
  private static Pod runningPipeline(String name) {
    StreamingPipeline pipeline =
        TestPipelines.withCassandra(
            TestPipelines.pipeline(NS, name, bootstrap),
            cassandraNode.contactPoint(),
            cassandraNode.localDatacenter(),
            false);
    kube.client().resource(pipeline).create();
    Pod pod =
        await()
            .atMost(WITHIN)
            .until(
                () -> kube.client().pods().inNamespace(NS).withName(name + "-driver").get(),
                Objects::nonNull);
    kube.client()
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder(pod)
                .editOrNewStatus()
                .withPhase("Running")
                .withContainerStatuses(
                    new ContainerStatusBuilder()
                        .withName("spark-kubernetes-driver")
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt(Instant.now().toString())
                        .endRunning()
                        .endState()
                        .build())
                .endStatus()
                .build())
        .updateStatus();
    PipelineStatus.await(
        kube.client(),
        pipeline,
        Conditions.DRIVER_RUNNING,
        Conditions.TRUE,
        "DriverRunning",
        WITHIN);
    return kube.client().pods().inNamespace(NS).withName(name + "-driver").get();
  }

  private static StreamingPipeline pipeline(String name) {
    return PipelineStatus.get(kube.client(), NS, name);
  }

  private static FieldSpec field(String name, FieldType type) {
    FieldSpec field = new FieldSpec();
    field.setName(name);
    field.setType(type);
    return field;
  }

  private static void edit(String name, java.util.function.Consumer<StreamingPipeline> change) {
    TestKubernetes.editPipeline(kube.client(), NS, name, change);
  }

  /** Column name to CQL type of table {@code rows} in {@code keyspace}. */
  private static Map<String, String> columns(String keyspace) {
    Map<String, String> types = new HashMap<>();
    cassandra
        .execute(
            "SELECT column_name, type FROM system_schema.columns"
                + " WHERE keyspace_name = ? AND table_name = 'rows'",
            keyspace)
        .forEach(r -> types.put(r.getString(0), r.getString(1)));
    return types;
  }
}
