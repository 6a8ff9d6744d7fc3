package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.PipelineOperator;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Phase;
import dev.insight.streaming.operator.config.OperatorSettings;
import dev.insight.streaming.operator.driver.DriverNames;
import dev.insight.streaming.operator.testing.PipelineStatus;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator runs as the chart's ServiceAccount, with exactly the RBAC the chart renders
 * (helm-java, one watched namespace, leader election on) applied to the real API server and a token
 * from the TokenRequest API. A whole lifecycle (create, Ready, redeploy, suspend, delete) sees no
 * 403; with any single rule of the rendered Roles removed, the same lifecycle meets a 403, so the
 * chart grants nothing the operator's real calls do not need.
 */
class ChartRbacOnApiServerTest {

  static final String NS = "rbac-team";
  static final Duration STEP = Duration.ofSeconds(60);

  static TestKubernetes kube;
  static List<HasMetadata> rendered;
  static int runs;

  @BeforeAll
  static void installTheChartsServiceAccountAndRbac() {
    kube = TestKubernetes.start(NS, OperatorChart.RELEASE_NAMESPACE);
    rendered = OperatorChart.render(Map.of("watchNamespaces", List.of(NS)));
    for (HasMetadata object : rendered) {
      if (object instanceof ServiceAccount
          || object instanceof Role
          || object instanceof RoleBinding) {
        kube.client().resource(object).createOr(op -> op.update());
      }
    }
  }

  @AfterAll
  static void stop() {
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void aWholeLifecycleUnderTheChartsRbacMeetsNo403() {
    Forbidden forbidden = lifecycle();
    assertThat(forbidden.requests).as("requests the API server refused with 403").isEmpty();
    assertThat(forbidden.completed).isTrue();
  }

  @Test
  void removingAnySingleRuleOfTheChartsRolesMakesTheLifecycleMeetA403() {
    List<Role> roles = OperatorChart.ofKind(rendered, Role.class);
    List<String> unneeded = new ArrayList<>();
    int checked = 0;
    for (Role role : roles) {
      for (int i = 0; i < role.getRules().size(); i++) {
        PolicyRule dropped = role.getRules().get(i);
        List<PolicyRule> rest = new ArrayList<>(role.getRules());
        rest.remove(i);
        setRules(role, rest);
        try {
          if (lifecycle().requests.isEmpty()) {
            unneeded.add(
                describe(dropped)
                    + " of Role "
                    + role.getMetadata().getNamespace()
                    + "/"
                    + role.getMetadata().getName());
          }
        } finally {
          setRules(role, role.getRules());
        }
        checked++;
      }
    }
    assertThat(checked).as("rules checked").isGreaterThanOrEqualTo(10);
    assertThat(unneeded).as("rules whose removal the whole lifecycle did not notice").isEmpty();
  }

  /**
   * What one lifecycle met: the refused requests (method and path), and whether it reached its end.
   */
  record Forbidden(List<String> requests, boolean completed) {}

  /**
   * Runs the operator as the chart's ServiceAccount through one pipeline's lifecycle, the test
   * playing the kubelet; stops at the first 403.
   */
  private static Forbidden lifecycle() {
    String name = "rbac-" + (++runs);
    List<String> refused = new CopyOnWriteArrayList<>();
    StreamingPipeline pipeline =
        TestPipelines.withMongo(
            TestPipelines.pipeline(NS, name, SharedServers.kafka().bootstrapServers()));
    kube.secret(
        NS,
        TestPipelines.mongoSecret(pipeline),
        TestPipelines.values("uri", SharedServers.mongo().connectionString()));
    OperatorSettings settings =
        OperatorSettings.defaults()
            .withNamespaces(Set.of(NS))
            .withLeaderElection(true, OperatorChart.RELEASE_NAMESPACE)
            .withLeaseIdentity(name);
    boolean completed = false;
    try (KubernetesClient operatorClient = serviceAccountClient(refused);
        PipelineOperator operator = new PipelineOperator(operatorClient, settings)) {
      operator.start();
      kube.client().resource(pipeline).create();
      DriverNames names = DriverNames.of(pipeline);
      if (!awaitUnlessRefused(refused, () -> ready(name, names))) {
        return new Forbidden(List.copyOf(refused), false);
      }
      String firstPod = pod(names).getMetadata().getUid();
      edit(name, p -> p.getSpec().getJob().setImage("streaming-pipeline-job:rbac-redeploy"));
      if (!awaitUnlessRefused(
          refused,
          () -> {
            Pod pod = pod(names);
            return pod != null
                && !pod.getMetadata().getUid().equals(firstPod)
                && ready(name, names);
          })) {
        return new Forbidden(List.copyOf(refused), false);
      }
      edit(name, p -> p.getSpec().setSuspend(true));
      if (!awaitUnlessRefused(
          refused,
          () ->
              pod(names) == null
                  && PipelineStatus.get(kube.client(), NS, name).getStatus().getPhase()
                      == Phase.Suspended)) {
        return new Forbidden(List.copyOf(refused), false);
      }
      kube.client().resource(pipeline).delete();
      completed =
          awaitUnlessRefused(refused, () -> PipelineStatus.get(kube.client(), NS, name) == null);
    } catch (RuntimeException e) {
      // an operator that may not even start fails here: a list refused with 403, or JOSDK's own
      // check of the Lease
      // rules (it asks the server for the caller's rules and refuses to start without them)
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause.getMessage() != null && cause.getMessage().startsWith("No permission to lease")) {
          refused.add("operator start: " + cause.getMessage());
        }
      }
      if (refused.isEmpty()) {
        throw e;
      }
    } finally {
      forget(name);
    }
    return new Forbidden(List.copyOf(refused), completed);
  }

  /**
   * Polls until the condition holds (true) or a 403 was seen (false), playing the kubelet
   * meanwhile.
   */
  private static boolean awaitUnlessRefused(List<String> refused, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(STEP);
    while (Instant.now().isBefore(deadline)) {
      if (!refused.isEmpty()) {
        return false;
      }
      kubeletRunsPendingPods();
      if (condition.getAsBoolean()) {
        return true;
      }
      sleep(200);
    }
    throw new AssertionError(
        "the lifecycle did not move on within "
            + STEP
            + " and met no 403; pipelines now: "
            + kube
                .client()
                .resources(StreamingPipeline.class)
                .inNamespace(NS)
                .list()
                .getItems()
                .stream()
                .map(
                    p ->
                        p.getMetadata().getName()
                            + " deletion "
                            + p.getMetadata().getDeletionTimestamp()
                            + " finalizers "
                            + p.getMetadata().getFinalizers()
                            + " "
                            + (p.getStatus() == null
                                ? "no status"
                                : p.getStatus().getPhase()
                                    + " "
                                    + p.getStatus().getConditions().stream()
                                        .map(
                                            c ->
                                                c.getType()
                                                    + "="
                                                    + c.getStatus()
                                                    + "/"
                                                    + c.getReason()
                                                    + ": "
                                                    + c.getMessage())
                                        .toList()))
                .toList()
            + "; pods: "
            + kube.client().pods().inNamespace(NS).list().getItems().stream()
                .map(p -> p.getMetadata().getName() + " " + p.getStatus().getPhase())
                .toList());
  }

  private static boolean ready(String name, DriverNames names) {
    Pod pod = pod(names);
    StreamingPipeline stored = PipelineStatus.get(kube.client(), NS, name);
    return pod != null
        && "Running".equals(pod.getStatus().getPhase())
        && stored != null
        && stored.getStatus() != null
        && stored
            .getStatus()
            .condition(Conditions.READY)
            .map(c -> Conditions.TRUE.equals(c.getStatus()))
            .orElse(false);
  }

  private static Pod pod(DriverNames names) {
    return kube.client().pods().inNamespace(NS).withName(names.pod()).get();
  }

  /** The kubelet's part: every driver pod that is not running yet starts running. */
  private static void kubeletRunsPendingPods() {
    for (Pod pod : kube.client().pods().inNamespace(NS).list().getItems()) {
      if (pod.getMetadata().getDeletionTimestamp() == null
          && !"Running".equals(pod.getStatus().getPhase())) {
        kube.client()
            .pods()
            .inNamespace(NS)
            .resource(
                new PodBuilder(pod)
                    .editOrNewStatus()
                    .withPhase("Running")
                    .withContainerStatuses(
                        new ContainerStatusBuilder()
                            .withName(pod.getSpec().getContainers().get(0).getName())
                            .withReady(true)
                            .withNewState()
                            .withNewRunning()
                            .withStartedAt(Instant.now().toString())
                            .endRunning()
                            .endState()
                            .build())
                    .endStatus()
                    .build())
            .updateStatus();
      }
    }
  }

  private static void edit(String name, java.util.function.Consumer<StreamingPipeline> change) {
    TestKubernetes.editPipeline(kube.client(), NS, name, change);
  }

  /** Removes what a run left behind (an operator stopped by a 403 leaves its finalizer). */
  private static void forget(String name) {
    var resource = kube.client().resources(StreamingPipeline.class).inNamespace(NS).withName(name);
    if (resource.get() != null) {
      try {
        TestKubernetes.editPipeline(
            kube.client(), NS, name, p -> p.getMetadata().setFinalizers(List.of()));
        resource.delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) { // gone meanwhile: nothing left to remove
          throw e;
        }
      }
    }
  }

  /**
   * A client authenticated as the chart's ServiceAccount by a TokenRequest token; records every 403
   * it receives.
   */
  private static KubernetesClient serviceAccountClient(List<String> refused) {
    ServiceAccount account = OperatorChart.ofKind(rendered, ServiceAccount.class).get(0);
    String token =
        kube.client()
            .serviceAccounts()
            .inNamespace(account.getMetadata().getNamespace())
            .withName(account.getMetadata().getName())
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(kube.cluster().url())
            .withCaCertData(
                Base64.getEncoder()
                    .encodeToString(
                        kube.cluster().caCertificatePem().getBytes(StandardCharsets.US_ASCII)))
            .withOauthToken(token)
            .build();
    Interceptor recorder =
        new Interceptor() {
          @Override
          public void after(
              HttpRequest request,
              HttpResponse<?> response,
              AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            if (response.code() == 403) {
              refused.add(request.method() + " " + request.uri().getRawPath());
            }
          }

          @Override
          public CompletableFuture<Boolean> afterFailure(
              BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
            if (response.code() == 403) {
              refused.add(
                  response.request().method() + " " + response.request().uri().getRawPath());
            }
            return CompletableFuture.completedFuture(false);
          }
        };
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            builder -> builder.addOrReplaceInterceptor("forbidden", recorder))
        .build();
  }

  private static void setRules(Role role, List<PolicyRule> rules) {
    kube.client()
        .rbac()
        .roles()
        .inNamespace(role.getMetadata().getNamespace())
        .withName(role.getMetadata().getName())
        .edit(
            stored -> {
              stored.setRules(List.copyOf(rules));
              return stored;
            });
  }

  private static String describe(PolicyRule rule) {
    return rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
