package dev.insight.streaming.operator.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.BackoffSpec;
import dev.insight.streaming.operator.api.spec.LagSpec;
import dev.insight.streaming.operator.api.spec.RestartPolicySpec;
import dev.insight.streaming.operator.api.spec.RestartPolicyType;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.DriverStatus;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.Phase;
import dev.insight.streaming.operator.testing.SentRequests.SentRequest;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The driver's life on the mock API server, one story per test; the test plays the kubelet and
 * moves the clock.
 */
class DriverLifecycleStoriesTest {

  private static Consumer<StreamingPipeline> restartPolicy(
      RestartPolicyType type, Integer maxRetries, String stableRun) {
    return p -> {
      RestartPolicySpec policy = new RestartPolicySpec();
      policy.setType(type);
      policy.setMaxRetries(maxRetries);
      policy.setStableRunDuration(stableRun);
      p.getSpec().getJob().setRestartPolicy(policy);
    };
  }

  @Test
  void aFailedDriverIsReplacedAfterTheComputedDelayAndAStableRunResetsTheCount() {
    try (DriverWorld world = new DriverWorld("clicks")) {
      world.createPipeline(restartPolicy(RestartPolicyType.Always, null, "1m"));
      world.reconcile();
      Pod first = world.pod();
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.DRIVER_STARTING.value());
      Instant t0 = world.clock.instant();
      world.kubeletRuns(t0);
      world.reconcile();
      assertThat(world.driverCondition().getStatus()).isEqualTo(Conditions.TRUE);
      assertThat(world.pipeline().getStatus().getPhase()).isEqualTo(Phase.Running);

      // failure 1 after 20 s: the default initial delay of 10 s, counted from the failure
      Instant failedAt = t0.plusSeconds(20);
      world.clock.set(failedAt.plusSeconds(1));
      world.kubeletEnds("Failed", 1, "Error", t0, failedAt);
      world.reconcile();
      DriverStatus driver = world.pipeline().getStatus().getDriver();
      assertThat(driver.getPhase()).isEqualTo("Failed");
      assertThat(driver.getRestarts()).isZero();
      assertThat(driver.getLastFailure().getReason()).isEqualTo("Error");
      assertThat(driver.getLastFailure().getMessage()).isEqualTo("exit code 1");
      assertThat(driver.getLastFailure().getTime()).isEqualTo(failedAt.toString());
      assertThat(driver.getNextRestartTime()).isEqualTo(failedAt.plusSeconds(10).toString());
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.BACKING_OFF.value());

      // before the delay: nothing moves, the failed pod stays for its logs
      world.clock.set(failedAt.plusSeconds(9));
      world.reconcile();
      assertThat(world.pod().getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
      assertThat(world.podRequests("POST")).hasSize(1);

      // at the delay: the ended pod goes, then a new one comes, counted as restart 1
      world.clock.set(failedAt.plusSeconds(10));
      world.reconcile();
      world.awaitPodGone(); // the garbage collector ends the foreground deletion
      world.reconcile();
      Pod second = world.pod();
      assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
      assertThat(world.podRequests("POST")).hasSize(2);
      driver = world.pipeline().getStatus().getDriver();
      assertThat(driver.getRestarts()).isEqualTo(1);
      assertThat(driver.getNextRestartTime()).isNull();
      assertThat(driver.getPhase()).isEqualTo("Pending");

      // failure 2 right after start: the delay doubles to 20 s
      Instant t1 = world.clock.instant();
      world.kubeletRuns(t1);
      world.reconcile();
      Instant failed2 = t1.plusSeconds(5);
      world.clock.set(failed2);
      world.kubeletEnds("Failed", 137, "OOMKilled", t1, failed2);
      world.reconcile();
      driver = world.pipeline().getStatus().getDriver();
      assertThat(driver.getLastFailure().getReason()).isEqualTo("OOMKilled");
      assertThat(driver.getNextRestartTime()).isEqualTo(failed2.plusSeconds(20).toString());
      world.clock.set(failed2.plusSeconds(20));
      world.reconcile();
      world.reconcile();
      assertThat(world.pipeline().getStatus().getDriver().getRestarts()).isEqualTo(2);

      // running for the stable-run duration (1m here) resets the count; the last failure stays on
      // record
      Instant t2 = world.clock.instant();
      world.kubeletRuns(t2);
      world.clock.set(t2.plusSeconds(59));
      world.reconcile();
      assertThat(world.pipeline().getStatus().getDriver().getRestarts()).isEqualTo(2);
      world.clock.set(t2.plusSeconds(60));
      world.reconcile();
      driver = world.pipeline().getStatus().getDriver();
      assertThat(driver.getRestarts()).isZero();
      assertThat(driver.getLastFailure().getReason()).isEqualTo("OOMKilled");

      // so the next failure waits the initial delay again
      Instant failed3 = t2.plusSeconds(70);
      world.clock.set(failed3);
      world.kubeletEnds("Failed", 1, "Error", t2, failed3);
      world.reconcile();
      assertThat(world.pipeline().getStatus().getDriver().getNextRestartTime())
          .isEqualTo(failed3.plusSeconds(10).toString());
    }
  }

  @Test
  void anExhaustedBudgetEndsInFailedWithTheLastFailure() {
    try (DriverWorld world = new DriverWorld("orders")) {
      world.createPipeline(
          restartPolicy(RestartPolicyType.OnFailure, 1, "10m")
              .andThen(
                  p -> {
                    BackoffSpec backoff = new BackoffSpec();
                    backoff.setInitialDelay("1s");
                    backoff.setMaxDelay("1s");
                    p.getSpec().getJob().getRestartPolicy().setBackoff(backoff);
                  }));
      world.reconcile();
      Instant t = world.clock.instant();
      world.kubeletEnds("Failed", 1, "Error", t, t);
      world.reconcile();
      world.clock.advance(Duration.ofSeconds(1));
      world.reconcile();
      world.reconcile();
      assertThat(world.pipeline().getStatus().getDriver().getRestarts()).isEqualTo(1);

      Instant t2 = world.clock.instant();
      world.kubeletEnds("Failed", 2, "Error", t2, t2);
      world.reconcile();
      StreamingPipeline failed = world.reconcile();
      assertThat(failed.getStatus().getPhase()).isEqualTo(Phase.Failed);
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.RETRIES_EXHAUSTED.value());
      assertThat(world.driverCondition().getMessage()).contains("Error: exit code 2", "maxRetries");
      assertThat(failed.getStatus().getDriver().getNextRestartTime()).isNull();
      world.clock.advance(Duration.ofHours(1));
      world.reconcile();
      assertThat(world.pod().getStatus().getPhase())
          .as("the failed pod stays, for its logs")
          .isEqualTo("Failed");
      assertThat(world.podRequests("POST")).hasSize(2);
    }
  }

  @Test
  void neverMeansTheFirstFailureIsFinal() {
    try (DriverWorld world = new DriverWorld("never")) {
      world.createPipeline(restartPolicy(RestartPolicyType.Never, null, "10m"));
      world.reconcile();
      Instant t = world.clock.instant();
      world.kubeletRuns(t);
      world.reconcile();
      world.kubeletEnds("Failed", 1, "Error", t, t.plusSeconds(3));
      StreamingPipeline p = world.reconcile();
      assertThat(p.getStatus().getPhase()).isEqualTo(Phase.Failed);
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.RETRIES_EXHAUSTED.value());
      assertThat(p.getStatus().getDriver().getLastFailure().getMessage()).isEqualTo("exit code 1");
      world.clock.advance(Duration.ofHours(1));
      world.reconcile();
      assertThat(world.podRequests("POST")).hasSize(1);
    }
  }

  @Test
  void aRedeployingChangeReplacesThePodOnceGracefullyAndAnInPlaceChangeLeavesItAlone() {
    try (DriverWorld world = new DriverWorld("redeploy")) {
      world.createPipeline(p -> {});
      world.reconcile();
      world.kubeletRuns(world.clock.instant());
      world.reconcile();
      Pod first = world.pod();

      // in place: lag settings, restart policy, deletion policy
      world.editSpec(
          p -> {
            LagSpec lag = new LagSpec();
            lag.setInterval("30s");
            lag.setStatusInterval("30s");
            p.getSpec().setLag(lag);
            p.getSpec().getJob().setRestartPolicy(new RestartPolicySpec());
            p.getSpec().getJob().getRestartPolicy().setMaxRetries(3);
            p.getSpec()
                .setDeletionPolicy(dev.insight.streaming.operator.api.spec.DeletionPolicy.Delete);
          });
      world.reconcile();
      world.reconcile();
      Pod untouched = world.pod();
      assertThat(untouched.getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
      assertThat(untouched.getMetadata().getResourceVersion())
          .isEqualTo(first.getMetadata().getResourceVersion());
      assertThat(world.podRequests("DELETE")).isEmpty();
      assertThat(world.driverCondition().getStatus()).isEqualTo(Conditions.TRUE);

      // redeploy: a new image; the kubelet holds the pod while the job finishes its batch
      world.kubeletHoldsOnDelete();
      world.editSpec(p -> p.getSpec().getJob().setImage("streaming-pipeline-job:0.2.0"));
      world.reconcile();
      assertThat(world.pod().getMetadata().getDeletionTimestamp()).isNotNull();
      SentRequest delete = world.podRequests("DELETE").get(0);
      assertThat(delete.getUtf8Body())
          .contains("\"gracePeriodSeconds\":60", "\"propagationPolicy\":\"Foreground\"");
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.DRIVER_STARTING.value());

      // while the old driver stops, no second one starts, however often we look
      world.reconcile();
      world.reconcile();
      assertThat(world.pod().getMetadata().getUid()).isEqualTo(first.getMetadata().getUid());
      assertThat(world.podRequests("POST")).hasSize(1);
      assertThat(world.driverCondition().getMessage())
          .contains("waiting for the previous driver pod");

      world.kubeletReleases();
      world.reconcile();
      Pod second = world.pod();
      assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
      assertThat(second.getSpec().getContainers().get(0).getImage())
          .isEqualTo("streaming-pipeline-job:0.2.0");
      assertThat(second.getMetadata().getAnnotations().get(DriverContract.SPEC_HASH_ANNOTATION))
          .isNotEqualTo(
              first.getMetadata().getAnnotations().get(DriverContract.SPEC_HASH_ANNOTATION));
      assertThat(world.pipeline().getStatus().getDriver().getRestarts())
          .as("a redeploy is no failure")
          .isZero();
      world.reconcile();
      assertThat(world.podRequests("POST")).hasSize(2);
      assertThat(world.podRequests("DELETE")).hasSize(1);
      // the new driver reads the new config
      assertThat(
              world
                  .client
                  .configMaps()
                  .inNamespace(DriverWorld.NS)
                  .withName(world.names().configMap())
                  .get()
                  .getData()
                  .get(DriverContract.SPARK_PROPERTIES_KEY))
          .contains("spark.kubernetes.container.image=streaming-pipeline-job\\:0.2.0");
    }
  }

  @Test
  void anEditedSecretReplacesTheRunningDriverOnceGracefully() {
    try (DriverWorld world = new DriverWorld("rotate")) {
      StreamingPipeline created = world.createPipeline(p -> {});
      String secret = TestPipelines.mongoSecret(created);
      world.reconcile();
      world.kubeletRuns(world.clock.instant());
      world.reconcile();
      Pod first = world.pod();
      String versionAtStart =
          world
              .client
              .secrets()
              .inNamespace(DriverWorld.NS)
              .withName(secret)
              .get()
              .getMetadata()
              .getResourceVersion();
      assertThat(first.getMetadata().getAnnotations())
          .containsEntry(DriverContract.SECRET_VERSIONS_ANNOTATION, secret + "=" + versionAtStart);

      // nothing changed: looking again leaves the pod alone
      world.reconcile();
      assertThat(world.podRequests("DELETE")).isEmpty();

      // the password is rotated: the driver stops gracefully, once, and its successor gets the new
      // values
      world.kubeletHoldsOnDelete();
      world.secret(secret, TestPipelines.values("uri", "mongodb://u:n3w-s3cret@m:27017"));
      world.reconcile();
      assertThat(world.pod().getMetadata().getDeletionTimestamp()).isNotNull();
      assertThat(world.podRequests("DELETE"))
          .singleElement()
          .satisfies(r -> assertThat(r.getUtf8Body()).contains("\"gracePeriodSeconds\":60"));
      Condition stopping = world.driverCondition();
      assertThat(stopping.getReason()).isEqualTo(Reason.DRIVER_STARTING.value());
      assertThat(stopping.getMessage())
          .contains("Secret " + secret + " changed since driver pod")
          .doesNotContain("n3w-s3cret");
      world.reconcile();
      assertThat(world.podRequests("DELETE")).hasSize(1);

      world.kubeletReleases();
      world.reconcile();
      Pod second = world.pod();
      assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
      String versionNow =
          world
              .client
              .secrets()
              .inNamespace(DriverWorld.NS)
              .withName(secret)
              .get()
              .getMetadata()
              .getResourceVersion();
      assertThat(versionNow).isNotEqualTo(versionAtStart);
      assertThat(second.getMetadata().getAnnotations())
          .containsEntry(DriverContract.SECRET_VERSIONS_ANNOTATION, secret + "=" + versionNow);
      assertThat(world.pipeline().getStatus().getDriver().getRestarts())
          .as("a new Secret is no failure")
          .isZero();
      world.kubeletRuns(world.clock.instant());
      world.reconcile();
      world.reconcile();
      assertThat(world.podRequests("POST")).hasSize(2);
      assertThat(world.podRequests("DELETE")).hasSize(1);
    }
  }

  @Test
  void aFailedDriverStartsAtOnceWithAFreshBudgetWhenItsSecretIsFixed() {
    try (DriverWorld world = new DriverWorld("fixed")) {
      StreamingPipeline created =
          world.createPipeline(restartPolicy(RestartPolicyType.Always, null, "1m"));
      world.reconcile();
      Instant t0 = world.clock.instant();
      world.kubeletRuns(t0);
      world.reconcile();
      Instant failedAt = t0.plusSeconds(3);
      world.clock.set(failedAt);
      world.kubeletEnds("Failed", 1, "Error", t0, failedAt);
      world.reconcile();
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.BACKING_OFF.value());
      assertThat(world.pipeline().getStatus().getDriver().getNextRestartTime())
          .isEqualTo(failedAt.plusSeconds(10).toString());

      // the user fixes the credentials: no need to sit out the backoff
      world.secret(
          TestPipelines.mongoSecret(created),
          TestPipelines.values("uri", "mongodb://u:right@m:27017"));
      world.reconcile();
      world.awaitPodGone(); // the garbage collector ends the foreground deletion
      world.reconcile();
      assertThat(world.pod()).isNotNull();
      assertThat(world.podRequests("POST")).hasSize(2);
      assertThat(world.clock.instant()).isEqualTo(failedAt);
      DriverStatus driver = world.pipeline().getStatus().getDriver();
      assertThat(driver.getRestarts()).isZero();
      assertThat(driver.getNextRestartTime()).isNull();
    }
  }

  @Test
  void suspendStopsTheDriverGracefullyAndResumeStartsItAgain() {
    try (DriverWorld world = new DriverWorld("pause")) {
      world.createPipeline(p -> {});
      world.reconcile();
      world.kubeletRuns(world.clock.instant());
      world.reconcile();
      world.kubeletHoldsOnDelete();

      world.editSpec(p -> p.getSpec().setSuspend(true));
      StreamingPipeline p = world.reconcile();
      assertThat(p.getStatus().getPhase()).isEqualTo(Phase.Suspended);
      assertThat(world.podRequests("DELETE").get(0).getUtf8Body())
          .contains("\"gracePeriodSeconds\":60");
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.SUSPENDED.value());
      world.kubeletReleases();
      p = world.reconcile();
      assertThat(world.pod()).isNull();
      assertThat(p.getStatus().getPhase()).isEqualTo(Phase.Suspended);
      assertThat(p.getStatus().getDriver().getPhase()).isEqualTo("Stopped");
      world.reconcile();
      assertThat(world.podRequests("POST")).hasSize(1);

      world.editSpec(q -> q.getSpec().setSuspend(false));
      p = world.reconcile();
      assertThat(world.pod()).isNotNull();
      assertThat(world.podRequests("POST")).hasSize(2);
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.DRIVER_STARTING.value());
      world.kubeletRuns(world.clock.instant());
      p = world.reconcile();
      assertThat(p.getStatus().getPhase()).isEqualTo(Phase.Running);
    }
  }

  @Test
  void aRestartedOperatorAdoptsTheRunningDriverAndNeverStartsASecond() {
    try (DriverWorld world = new DriverWorld("adopt")) {
      world.createPipeline(restartPolicy(RestartPolicyType.Always, null, "1m"));
      world.reconcile();
      Pod running = world.pod();
      world.kubeletRuns(world.clock.instant());
      world.reconcile();

      // a new operator process: new client, new step, new status writer; only the cluster remembers
      try (var client = world.newClient()) {
        var step =
            new DriverStep(
                client,
                new dev.insight.streaming.operator.secrets.SecretResolver(client),
                world.clock,
                DriverWorld.DRIVER_CLUSTER_ROLE,
                DriverWorld.JAVA_OPTIONS);
        var writer =
            new dev.insight.streaming.operator.status.StatusWriter(
                client,
                new dev.insight.streaming.operator.status.EventRecorder(client, world.clock),
                new dev.insight.streaming.operator.status.PhaseRule(
                    java.util.List.of(Conditions.DRIVER_RUNNING)),
                world.clock);
        var restarted =
            new dev.insight.streaming.operator.reconciler.StreamingPipelineReconciler(
                p -> java.util.List.of(), java.util.List.of(step), writer, world.clock);
        restarted.reconcile(world.pipeline(), world.context(world.pipeline()));
        restarted.reconcile(world.pipeline(), world.context(world.pipeline()));
        assertThat(world.pod().getMetadata().getUid()).isEqualTo(running.getMetadata().getUid());
        assertThat(world.podRequests("POST")).hasSize(1);
        assertThat(world.podRequests("DELETE")).isEmpty();
        assertThat(world.driverCondition().getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(world.pipeline().getStatus().getDriver().getPodName()).isEqualTo("adopt-driver");
      }
    }
  }

  @Test
  void aConflictOnStatusIsRetriedAndKeepsTheOtherWritersChange() {
    try (DriverWorld world = new DriverWorld("conflict")) {
      world.createPipeline(p -> {});
      world.reconcile();
      world.kubeletRuns(world.clock.instant());
      StreamingPipeline stale = world.pipeline();
      // meanwhile the lag monitor writes status: the copy the reconcile works from is now stale
      world.statusWriter.update(
          world.pipeline(),
          editor -> {
            LagStatus lag = new LagStatus();
            lag.setTotal(42L);
            editor.status().setLag(lag);
          });
      world.reconciler.reconcile(stale, world.context(stale));
      StreamingPipeline stored = world.pipeline();
      assertThat(stored.getStatus().getDriver().getPhase()).isEqualTo("Running");
      assertThat(stored.getStatus().condition(Conditions.DRIVER_RUNNING).orElseThrow().getStatus())
          .isEqualTo(Conditions.TRUE);
      assertThat(stored.getStatus().getLag().getTotal())
          .as("the other writer's change")
          .isEqualTo(42L);
      assertThat(
              world.requests().stream()
                  .filter(
                      r ->
                          r.getMethod().equals("PUT")
                              && r.getPath().endsWith("/streamingpipelines/conflict/status")))
          .hasSizeGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void aReconcileFromAStaleCopyLeavesNoStatusFieldBehind() {
    try (DriverWorld world = new DriverWorld("stale")) {
      world.createPipeline(restartPolicy(RestartPolicyType.Always, null, "10m"));
      world.reconcile();
      Instant started = world.clock.instant();
      world.kubeletRuns(started);
      world.reconcile();
      StreamingPipeline stale = world.pipeline(); // no failure, no restart on record yet

      Instant failed = started.plusSeconds(30);
      world.clock.set(failed);
      world.kubeletEnds("Failed", 137, "OOMKilled", started, failed);
      world.reconcile();
      world.clock.set(failed.plusSeconds(10));
      world.reconcile();
      world.reconcile();
      DriverStatus before = world.pipeline().getStatus().getDriver();
      assertThat(before.getRestarts()).isEqualTo(1);
      assertThat(before.getLastFailure().getReason()).isEqualTo("OOMKilled");

      // a reconcile that starts from the copy read before the failure (an informer cache behind the
      // server)
      world.reconciler.reconcile(stale, world.context(stale));

      DriverStatus after = world.pipeline().getStatus().getDriver();
      assertThat(after.getRestarts()).as("restarts").isEqualTo(1);
      assertThat(after.getLastFailure()).as("last failure").isEqualTo(before.getLastFailure());
      assertThat(after.getPodName()).isEqualTo(before.getPodName());
      assertThat(world.pipeline().getStatus().getObservedGeneration())
          .isEqualTo(world.pipeline().getMetadata().getGeneration());
    }
  }

  @Test
  void aResourceQuotaRefusingTheDriverPodIsSaidInTheConditionAndRetried() {
    try (DriverWorld world = new DriverWorld("quota")) {
      ResourceQuota quota =
          world
              .admin()
              .resourceQuotas()
              .inNamespace(DriverWorld.NS)
              .resource(
                  new ResourceQuotaBuilder()
                      .withNewMetadata()
                      .withName("no-pods")
                      .withNamespace(DriverWorld.NS)
                      .endMetadata()
                      .withNewSpec()
                      .addToHard("pods", new Quantity("0"))
                      .endSpec()
                      .build())
              .create();
      try {
        // the quota controller must have counted the namespace before admission enforces it
        world
            .admin()
            .resourceQuotas()
            .inNamespace(DriverWorld.NS)
            .withName("no-pods")
            .waitUntilCondition(
                q ->
                    q.getStatus() != null
                        && q.getStatus().getHard() != null
                        && !q.getStatus().getHard().isEmpty(),
                30,
                TimeUnit.SECONDS);
        world.createPipeline(p -> {});
        world.reconcile();

        Condition refused = world.driverCondition();
        assertThat(refused.getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(refused.getReason()).isEqualTo(Reason.KUBERNETES_API_ERROR.value());
        assertThat(refused.getMessage())
            .contains("pods \"quota-driver\" is forbidden", "exceeded quota: no-pods");
        assertThat(
                world.pipeline().getStatus().condition(Conditions.READY).orElseThrow().getReason())
            .isEqualTo(Reason.KUBERNETES_API_ERROR.value());
        assertThat(world.pod()).isNull();
      } finally {
        world.admin().resource(quota).delete();
        world
            .admin()
            .resourceQuotas()
            .inNamespace(DriverWorld.NS)
            .withName("no-pods")
            .waitUntilCondition(java.util.Objects::isNull, 30, TimeUnit.SECONDS);
      }

      // the next try, once the quota is gone, creates the pod and the condition moves on
      world.reconcile();
      assertThat(world.pod()).isNotNull();
      assertThat(world.driverCondition().getReason()).isEqualTo(Reason.DRIVER_STARTING.value());
    }
  }
}
