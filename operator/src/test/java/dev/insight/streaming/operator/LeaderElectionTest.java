package dev.insight.streaming.operator;

import static dev.insight.streaming.operator.testing.TestPipelines.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas with leader election on: only the holder of the Lease reconciles; the other
 * takes over as soon as the first stops, which releases the Lease.
 */
class LeaderElectionTest {

  static final String NS = "election";
  static final String LEASE_NAMESPACE = "operator";

  @Test
  void onlyTheLeaderReconcilesAndTheOtherTakesOverWhenItStops() {
    String bootstrap = SharedServers.kafka().bootstrapServers();
    OperatorSettings settings =
        OperatorSettings.defaults().withLeaderElection(true, LEASE_NAMESPACE);
    try (TestKubernetes kube = TestKubernetes.start(NS, LEASE_NAMESPACE);
        KubernetesClient clientA = kube.newClient();
        KubernetesClient clientB = kube.newClient();
        PipelineOperator a =
            new PipelineOperator(clientA, settings.withLeaseIdentity("replica-a")).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> holder(kube) != null);
      assertThat(holder(kube)).isEqualTo("replica-a");
      try (PipelineOperator b =
          new PipelineOperator(clientB, settings.withLeaseIdentity("replica-b")).start()) {
        StreamingPipeline pipeline =
            TestPipelines.withMongo(TestPipelines.pipeline(NS, "elected", bootstrap));
        kube.secret(
            NS,
            TestPipelines.mongoSecret(pipeline),
            values("uri", SharedServers.mongo().connectionString()));
        kube.client().resource(pipeline).create();
        PipelineStatus.await(
            kube.client(),
            pipeline,
            Conditions.SINKS_READY,
            Conditions.TRUE,
            "Ready",
            Duration.ofSeconds(60));

        assertThat(reconciliations(a)).isPositive();
        assertThat(reconciliations(b)).isZero();
        assertThat(holder(kube)).isEqualTo("replica-a");

        a.close();
        // a stopped leader hands the Lease over: the other takes it at its next try (2 s), not
        // after the lease duration (15 s)
        await()
            .atMost(Duration.ofSeconds(6))
            .untilAsserted(() -> assertThat(holder(kube)).isEqualTo("replica-b"));
        TestKubernetes.editPipeline(
            kube.client(),
            NS,
            "elected",
            p -> p.getSpec().getKafka().getTopics().get(0).setPartitions(3));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(reconciliations(b)).isPositive();
                  assertThat(
                          PipelineStatus.get(kube.client(), NS, "elected")
                              .getStatus()
                              .getTopics()
                              .get(0)
                              .getPartitions())
                      .isEqualTo(3);
                });
        assertThat(holder(kube)).isEqualTo("replica-b");
      }
    }
  }

  private static String holder(TestKubernetes kube) {
    Lease lease =
        kube.client()
            .leases()
            .inNamespace(LEASE_NAMESPACE)
            .withName(OperatorSettings.DEFAULT_LEASE_NAME)
            .get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** How many reconciliations this replica started, from its own JOSDK metrics. */
  private static double reconciliations(PipelineOperator operator) {
    return operator.metrics().getMeters().stream()
        .filter(
            m -> m.getId().getName().endsWith("reconciliations.started") && m instanceof Counter)
        .mapToDouble(m -> ((Counter) m).count())
        .sum();
  }
}
