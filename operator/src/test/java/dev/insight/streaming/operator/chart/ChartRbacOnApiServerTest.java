package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.operator.PipelineOperator;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
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
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator runs as the chart's ServiceAccount, with exactly the namespace-scoped RBAC the chart
 * renders (helm-java, one watched namespace, leader election on, the drivers' ClusterRole) applied
 * to the real API server and a token from the TokenRequest API. A whole lifecycle (create, Ready
 * with the driver's RoleBinding to the driver ClusterRole, objects drifted by hand and a binding
 * left by an earlier version repaired on a redeploy, suspend, delete) sees no 403; with any single
 * verb of the rendered Roles removed, the same lifecycle meets a 403, so the chart grants nothing
 * the operator's real calls do not need. Outside its namespace the operator may do nothing, and in
 * it may bind no ClusterRole but the drivers'.
 */
class ChartRbacOnApiServerTest {

  static final String NS = "rbac-team";
  static final String ELSEWHERE = "rbac-elsewhere";
  static final Duration STEP = Duration.ofSeconds(60);
  static final String TAMPERED = "tampered-by-hand";

  static TestKubernetes kube;
  static List<HasMetadata> rendered;
  static String driverClusterRole;
  static int runs;

  @BeforeAll
  static void installTheChartsServiceAccountAndRbac() {
    kube = TestKubernetes.start(NS, OperatorChart.RELEASE_NAMESPACE, ELSEWHERE);
    rendered = OperatorChart.render(Map.of("watchNamespaces", List.of(NS)));
    assertThat(OperatorChart.resourceBindings(rendered)).isEmpty();
    for (HasMetadata object : rendered) {
      if (object instanceof ServiceAccount
          || object instanceof Role
          || object instanceof RoleBinding
          || object instanceof ClusterRole) {
        kube.client().resource(object).createOr(op -> op.update());
      }
    }
    driverClusterRole =
        OperatorChart.ofKind(rendered, ClusterRole.class).stream()
            .map(role -> role.getMetadata().getName())
            .filter(roleName -> roleName.endsWith("-driver"))
            .findFirst()
            .orElseThrow();
  }

  @AfterAll
  static void stop() {
    if (kube != null) {
      try {
        // cluster-scoped, so the namespaces' deletion does not take it along
        for (ClusterRole role : OperatorChart.ofKind(rendered, ClusterRole.class)) {
          kube.client().resource(role).delete();
        }
      } finally {
        kube.close();
      }
    }
  }

  @Test
  void aWholeLifecycleUnderTheChartsRbacMeetsNo403() {
    Forbidden forbidden = lifecycle();
    assertThat(forbidden.requests).as("requests the API server refused with 403").isEmpty();
    assertThat(forbidden.completed).isTrue();
  }

  /**
   * Verbs the operator uses only on a path the lifecycle cannot force, each with that path; a verb
   * listed here is not removed, and must be in the rendered Role, so the list cannot outlive the
   * rule.
   */
  static final Map<String, String> USED_OFF_THE_LIFECYCLE =
      Map.of(
          "streaming.insight.dev/streamingpipelines:get",
          "the re-read after a 409 on a status write (StatusWriter.update, whose"
              + " aConflictIsRetriedAgainstTheFreshStatusNotLost shows it): whether the lag monitor"
              + " and a reconcile ever write at the same moment is up to timing");

  @Test
  void removingAnySingleVerbOfTheChartsRolesMakesTheLifecycleMeetA403() {
    List<Role> roles = OperatorChart.ofKind(rendered, Role.class);
    List<String> unneeded = new ArrayList<>();
    List<String> leftIn = new ArrayList<>();
    int checked = 0;
    for (Role role : roles) {
      for (int i = 0; i < role.getRules().size(); i++) {
        PolicyRule rule = role.getRules().get(i);
        for (String verb : rule.getVerbs()) {
          String grant = rule.getApiGroups().get(0) + "/" + rule.getResources().get(0) + ":" + verb;
          if (USED_OFF_THE_LIFECYCLE.containsKey(grant)) {
            leftIn.add(grant);
            continue;
          }
          List<PolicyRule> fewer = new ArrayList<>(role.getRules());
          List<String> otherVerbs = rule.getVerbs().stream().filter(v -> !v.equals(verb)).toList();
          if (otherVerbs.isEmpty()) {
            fewer.remove(i);
          } else {
            fewer.set(i, new PolicyRuleBuilder(rule).withVerbs(otherVerbs).build());
          }
          setRules(role, fewer);
          try {
            if (lifecycle().requests.isEmpty()) {
              unneeded.add(
                  verb
                      + " of "
                      + describe(rule)
                      + " in Role "
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
    }
    assertThat(checked).as("verbs checked").isGreaterThanOrEqualTo(30);
    assertThat(leftIn).containsExactlyInAnyOrderElementsOf(USED_OFF_THE_LIFECYCLE.keySet());
    assertThat(unneeded).as("verbs whose removal the whole lifecycle did not notice").isEmpty();
  }

  @Test
  void outsideItsNamespaceTheOperatorMayDoNothingAndInItBindOnlyTheDriverClusterRole() {
    try (KubernetesClient operator = serviceAccountClient(new CopyOnWriteArrayList<>())) {
      // a namespace it does not watch: no Role, no Secret, no binding, not even a list
      kube.secret(ELSEWHERE, "theirs", TestPipelines.values("password", "not-for-the-operator"));
      assertForbidden(
          () -> operator.rbac().roles().inNamespace(ELSEWHERE).resource(role()).create());
      assertForbidden(() -> operator.secrets().inNamespace(ELSEWHERE).withName("theirs").get());
      assertForbidden(() -> operator.secrets().inNamespace(ELSEWHERE).list());
      assertForbidden(() -> operator.pods().inNamespace(ELSEWHERE).list());
      assertForbidden(
          () ->
              operator
                  .rbac()
                  .roleBindings()
                  .inNamespace(ELSEWHERE)
                  .resource(binding("probe", "ClusterRole", driverClusterRole, ELSEWHERE))
                  .create());
      // nor anything cluster-wide
      assertForbidden(() -> operator.secrets().inAnyNamespace().list());
      assertForbidden(() -> operator.rbac().clusterRoles().resource(clusterRole()).create());
      // its own namespace: no Role, and no binding of any ClusterRole but the drivers'
      assertForbidden(() -> operator.rbac().roles().inNamespace(NS).resource(role()).create());
      // cluster-admin, and a ClusterRole with what only the driver has (the operator holds neither,
      // so only bind would let it: Kubernetes lets anyone bind a role whose rights they hold)
      kube.client()
          .rbac()
          .clusterRoles()
          .resource(
              new ClusterRoleBuilder()
                  .withNewMetadata()
                  .withName("probe-driver-like")
                  .endMetadata()
                  .addNewRule()
                  .withApiGroups("")
                  .withResources("pods")
                  .withVerbs("deletecollection")
                  .endRule()
                  .build())
          .create();
      try {
        for (String other : List.of("cluster-admin", "probe-driver-like")) {
          assertForbidden(
              () ->
                  operator
                      .rbac()
                      .roleBindings()
                      .inNamespace(NS)
                      .resource(binding("probe-" + other, "ClusterRole", other, NS))
                      .create());
        }
      } finally {
        kube.client().rbac().clusterRoles().withName("probe-driver-like").delete();
      }
      // the drivers' ClusterRole it may bind, though it holds none of its deletecollection rights
      kube.client()
          .serviceAccounts()
          .inNamespace(NS)
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName("probe").endMetadata().build())
          .create();
      operator
          .rbac()
          .roleBindings()
          .inNamespace(NS)
          .resource(binding("probe", "ClusterRole", driverClusterRole, NS))
          .create();
      try (KubernetesClient driver = tokenClient(NS, "probe", new CopyOnWriteArrayList<>())) {
        // and the binding holds in the pipeline's namespace alone
        assertThat(driver.pods().inNamespace(NS).list().getItems()).isNotNull();
        driver.pods().inNamespace(NS).withLabel("probe", "none").delete();
        assertForbidden(() -> driver.pods().inNamespace(ELSEWHERE).list());
        assertForbidden(() -> driver.secrets().inNamespace(NS).list());
      } finally {
        kube.client().rbac().roleBindings().inNamespace(NS).withName("probe").delete();
        kube.client().serviceAccounts().inNamespace(NS).withName("probe").delete();
      }
    }
  }

  @Test
  void aDriverClusterRoleTheOperatorMayNotBindIsNamedInTheCondition() {
    // the chart's Role grants bind on its own driver ClusterRole only; an operator told another
    // name gets a 404 for the RoleBinding from the API server, and says what is wrong instead
    String name = "rbac-misnamed";
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
            .withDriverClusterRole("not-the-charts-driver-role");
    try (KubernetesClient operatorClient = serviceAccountClient(new CopyOnWriteArrayList<>());
        PipelineOperator operator = new PipelineOperator(operatorClient, settings)) {
      operator.start();
      kube.client().resource(pipeline).create();
      Condition driver =
          PipelineStatus.await(
              kube.client(),
              pipeline,
              Conditions.DRIVER_RUNNING,
              Conditions.FALSE,
              Conditions.Reason.KUBERNETES_API_ERROR.value(),
              STEP);
      assertThat(driver.getMessage())
          .contains(
              "the driver ClusterRole not-the-charts-driver-role does not exist, or the operator"
                  + " may not bind it");
      assertThat(
              kube.client().pods().inNamespace(NS).withName(DriverNames.of(pipeline).pod()).get())
          .as("no driver pod without its rights")
          .isNull();
    } finally {
      forget(name);
    }
  }

  private static void assertForbidden(ThrowingCallable call) {
    assertThatThrownBy(call)
        .as("a 403")
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  private static Role role() {
    return new RoleBuilder()
        .withNewMetadata()
        .withName("probe")
        .endMetadata()
        .addNewRule()
        .withApiGroups("")
        .withResources("pods")
        .withVerbs("get")
        .endRule()
        .build();
  }

  private static ClusterRole clusterRole() {
    return new ClusterRoleBuilder()
        .withNewMetadata()
        .withName("probe")
        .endMetadata()
        .addNewRule()
        .withApiGroups("")
        .withResources("pods")
        .withVerbs("get")
        .endRule()
        .build();
  }

  private static RoleBinding binding(String name, String kind, String roleName, String namespace) {
    return new RoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind(kind)
        .withName(roleName)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName("probe")
        .withNamespace(NS)
        .endSubject()
        .build();
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
            .withNamespaces(Set.of(chartArgument("--namespaces").split(",")))
            .withDriverClusterRole(chartArgument("--driver-cluster-role"))
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
      assertBoundToTheDriverClusterRole(names);
      String firstPod = pod(names).getMetadata().getUid();
      driftByHandAndFromAnEarlierVersion(names);
      edit(name, p -> p.getSpec().getJob().setImage("streaming-pipeline-job:rbac-redeploy"));
      if (!awaitUnlessRefused(
          refused,
          () -> {
            Pod pod = pod(names);
            return pod != null
                && !pod.getMetadata().getUid().equals(firstPod)
                && ready(name, names)
                && repaired(names);
          })) {
        return new Forbidden(List.copyOf(refused), false);
      }
      assertBoundToTheDriverClusterRole(names);
      // a binding changed by hand, roleRef kept: updated in place this time
      kube.client()
          .rbac()
          .roleBindings()
          .inNamespace(NS)
          .withName(names.roleBinding())
          .edit(ChartRbacOnApiServerTest::tamper);
      edit(name, p -> p.getSpec().setSuspend(true));
      if (!awaitUnlessRefused(
          refused,
          () ->
              pod(names) == null
                  && PipelineStatus.get(kube.client(), NS, name).getStatus().getPhase()
                      == Phase.Suspended
                  && repaired(names))) {
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

  /** The value of an argument the chart gives the operator, e.g. {@code --namespaces}. */
  private static String chartArgument(String flag) {
    return OperatorChart.ofKind(rendered, Deployment.class)
        .get(0)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getArgs()
        .stream()
        .filter(arg -> arg.startsWith(flag + "="))
        .map(arg -> arg.substring(flag.length() + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the chart does not set " + flag));
  }

  /** The driver's rights: a RoleBinding of its ServiceAccount to the chart's driver ClusterRole. */
  private static void assertBoundToTheDriverClusterRole(DriverNames names) {
    RoleBinding binding =
        kube.client().rbac().roleBindings().inNamespace(NS).withName(names.roleBinding()).get();
    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(driverClusterRole);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            subject -> {
              assertThat(subject.getKind()).isEqualTo("ServiceAccount");
              assertThat(subject.getName()).isEqualTo(names.serviceAccount());
              assertThat(subject.getNamespace()).isEqualTo(NS);
            });
  }

  /**
   * What the operator must repair on its next reconcile: labels changed by hand on the driver's
   * ServiceAccount, Service and ConfigMap, and its RoleBinding replaced by the one an earlier
   * version made (to a Role of the pipeline's own; a roleRef cannot change, so the operator must
   * delete it and create its own).
   */
  private static void driftByHandAndFromAnEarlierVersion(DriverNames names) {
    kube.client()
        .serviceAccounts()
        .inNamespace(NS)
        .withName(names.serviceAccount())
        .edit(ChartRbacOnApiServerTest::tamper);
    kube.client()
        .services()
        .inNamespace(NS)
        .withName(names.service())
        .edit(ChartRbacOnApiServerTest::tamper);
    kube.client()
        .configMaps()
        .inNamespace(NS)
        .withName(names.configMap())
        .edit(ChartRbacOnApiServerTest::tamper);
    var bindings = kube.client().rbac().roleBindings().inNamespace(NS);
    for (int attempt = 1; ; attempt++) {
      RoleBinding current = bindings.withName(names.roleBinding()).get();
      RoleBinding earlier =
          new RoleBindingBuilder()
              .withNewMetadata()
              .withName(names.roleBinding())
              .withNamespace(NS)
              .withLabels(current.getMetadata().getLabels())
              .withOwnerReferences(current.getMetadata().getOwnerReferences())
              .endMetadata()
              .withNewRoleRef()
              .withApiGroup("rbac.authorization.k8s.io")
              .withKind("Role")
              .withName(names.pod())
              .endRoleRef()
              .withSubjects(current.getSubjects())
              .build();
      bindings.withName(names.roleBinding()).delete();
      try {
        bindings.resource(earlier).create();
        return;
      } catch (KubernetesClientException e) {
        // the operator made its own again in between
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static <T extends HasMetadata> T tamper(T object) {
    object.getMetadata().getLabels().put(TAMPERED, "true");
    return object;
  }

  /** Every drifted object is as the operator makes it again. */
  private static boolean repaired(DriverNames names) {
    RoleBinding binding =
        kube.client().rbac().roleBindings().inNamespace(NS).withName(names.roleBinding()).get();
    List<HasMetadata> objects =
        Arrays.asList(
            binding,
            kube.client().serviceAccounts().inNamespace(NS).withName(names.serviceAccount()).get(),
            kube.client().services().inNamespace(NS).withName(names.service()).get(),
            kube.client().configMaps().inNamespace(NS).withName(names.configMap()).get());
    return objects.stream()
            .allMatch(o -> o != null && !o.getMetadata().getLabels().containsKey(TAMPERED))
        && binding.getRoleRef().getKind().equals("ClusterRole");
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
    return tokenClient(
        account.getMetadata().getNamespace(), account.getMetadata().getName(), refused);
  }

  /**
   * A client authenticated as ServiceAccount {@code namespace/name} by a TokenRequest token;
   * records every 403 it receives.
   */
  private static KubernetesClient tokenClient(String namespace, String name, List<String> refused) {
    String token =
        kube.client()
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(name)
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
