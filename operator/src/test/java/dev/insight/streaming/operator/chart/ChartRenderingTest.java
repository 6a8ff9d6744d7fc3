package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart lints strictly and renders, for each supported setup, only objects Kubernetes would
 * accept as written.
 */
class ChartRenderingTest {

  static final String DRIVER_CLUSTER_ROLE =
      OperatorChart.RELEASE + "-streaming-pipeline-operator-driver";

  @Test
  void theWebViewIsAClusterIpServiceOnlyAndCanBeTurnedOff() {
    List<HasMetadata> rendered = renderedAndWellFormed(Map.of());
    assertThat(OperatorChart.ofKind(rendered, Service.class))
        .filteredOn(service -> service.getMetadata().getName().endsWith("-view"))
        .singleElement()
        .satisfies(
            service -> {
              assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
              assertThat(service.getSpec().getPorts())
                  .singleElement()
                  .satisfies(
                      port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
            });
    List<HasMetadata> without =
        renderedAndWellFormed(Map.of("view", Map.of("enabled", false, "port", 8080)));
    assertThat(OperatorChart.ofKind(without, ClusterRoleBinding.class)).isEmpty();
    assertThat(OperatorChart.ofKind(without, Service.class))
        .noneMatch(service -> service.getMetadata().getName().endsWith("-view"));
  }

  @Test
  void lintsWithoutWarnings() {
    LintResult lint = OperatorChart.lintStrict();
    assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
  }

  @Test
  void defaultsWatchTheReleaseNamespaceAloneWithLeaderElection() {
    List<HasMetadata> rendered = renderedAndWellFormed(Map.of());

    assertThat(kinds(rendered))
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ClusterRole",
            "Role",
            "RoleBinding",
            "Role",
            "RoleBinding",
            "Service",
            "Service",
            "ClusterRole",
            "ClusterRoleBinding",
            "Deployment");
    // cluster-scoped: the drivers' ClusterRole and the viewers', bound by nothing the chart makes,
    // and the web view's binding to the reviews role, which grants no resource
    assertThat(OperatorChart.ofKind(rendered, ClusterRole.class))
        .extracting(role -> role.getMetadata().getName())
        .containsExactlyInAnyOrder(
            DRIVER_CLUSTER_ROLE,
            OperatorChart.RELEASE + "-streaming-pipeline-operator-results-viewer");
    assertThat(OperatorChart.ofKind(rendered, ClusterRoleBinding.class))
        .singleElement()
        .satisfies(
            binding -> {
              assertThat(binding.getRoleRef().getName()).isEqualTo(OperatorChart.REVIEWS_ROLE);
              assertThat(binding.getSubjects())
                  .singleElement()
                  .satisfies(subject -> assertThat(subject.getKind()).isEqualTo("ServiceAccount"));
            });
    assertThat(OperatorChart.ofKind(rendered, Role.class))
        .allSatisfy(
            role ->
                assertThat(role.getMetadata().getNamespace())
                    .isEqualTo(OperatorChart.RELEASE_NAMESPACE));
    assertThat(OperatorChart.ofKind(rendered, RoleBinding.class))
        .allSatisfy(binding -> assertThat(binding.getRoleRef().getKind()).isEqualTo("Role"));
    Container operator = operatorContainer(rendered);
    assertThat(operator.getArgs())
        .contains(
            "--namespaces=" + OperatorChart.RELEASE_NAMESPACE,
            "--driver-cluster-role=" + DRIVER_CLUSTER_ROLE,
            "--leader-election=true",
            "--lease-name=streaming-pipeline-operator",
            "--lease-namespace=$(POD_NAMESPACE)",
            "--port=8080",
            "--lag-interval=10s",
            "--log-format=text",
            "--log-level=INFO");
    assertThat(operator.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("POD_NAMESPACE");
              assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.namespace");
            });
    // two replicas must not share a Lease identity (the operator reads POD_NAME for
    // --lease-identity)
    assertThat(operator.getEnv())
        .anySatisfy(
            env -> {
              assertThat(env.getName()).isEqualTo("POD_NAME");
              assertThat(env.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.name");
            });
    assertThat(operator.getImage()).isEqualTo("streaming-pipeline-operator:0.1.0");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    Deployment deployment = OperatorChart.ofKind(rendered, Deployment.class).get(0);
    assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(
            OperatorChart.ofKind(rendered, ServiceAccount.class).get(0).getMetadata().getName());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void watchedNamespacesGetRolesAndNothingClusterWide() {
    List<HasMetadata> rendered =
        renderedAndWellFormed(Map.of("watchNamespaces", List.of("team-a", "team-b")));

    assertThat(OperatorChart.operatorClusterRoles(rendered))
        .extracting(role -> role.getMetadata().getName())
        .containsExactly(DRIVER_CLUSTER_ROLE);
    assertThat(OperatorChart.resourceBindings(rendered)).isEmpty();
    assertThat(OperatorChart.ofKind(rendered, Role.class))
        .extracting(role -> role.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("team-a", "team-b", OperatorChart.RELEASE_NAMESPACE);
    assertThat(OperatorChart.ofKind(rendered, RoleBinding.class))
        .allSatisfy(
            binding ->
                assertThat(binding.getSubjects())
                    .singleElement()
                    .satisfies(
                        subject -> {
                          assertThat(subject.getKind()).isEqualTo("ServiceAccount");
                          assertThat(subject.getNamespace())
                              .isEqualTo(OperatorChart.RELEASE_NAMESPACE);
                        }));
    assertThat(operatorContainer(rendered).getArgs()).contains("--namespaces=team-a,team-b");
  }

  @Test
  void clusterWideIsAnOptInWithAClusterRoleBinding() {
    List<HasMetadata> rendered = renderedAndWellFormed(Map.of("clusterWide", true));

    assertThat(OperatorChart.operatorClusterRoles(rendered))
        .extracting(role -> role.getMetadata().getName())
        .containsExactlyInAnyOrder(
            OperatorChart.RELEASE + "-streaming-pipeline-operator", DRIVER_CLUSTER_ROLE);
    assertThat(OperatorChart.resourceBindings(rendered))
        .singleElement()
        .satisfies(
            binding ->
                assertThat(binding.getRoleRef().getName())
                    .isEqualTo(OperatorChart.RELEASE + "-streaming-pipeline-operator"));
    // only the Lease Role is left namespaced
    assertThat(OperatorChart.ofKind(rendered, Role.class))
        .extracting(role -> role.getMetadata().getName())
        .containsExactly(OperatorChart.RELEASE + "-streaming-pipeline-operator-leader-election");
    assertThat(operatorContainer(rendered).getArgs())
        .noneMatch(arg -> arg.startsWith("--namespaces"))
        .contains("--driver-cluster-role=" + DRIVER_CLUSTER_ROLE);
  }

  @Test
  void leaderElectionOffDropsTheLeaseAndNeverOverlapsTwoOperators() {
    List<HasMetadata> rendered =
        renderedAndWellFormed(Map.of("leaderElection", Map.of("enabled", false)));

    assertThat(OperatorChart.ofKind(rendered, Role.class))
        .singleElement()
        .satisfies(
            role ->
                assertThat(role.getRules())
                    .noneMatch(rule -> rule.getResources().contains("leases")));
    assertThat(OperatorChart.ofKind(rendered, RoleBinding.class)).hasSize(1);
    assertThat(operatorContainer(rendered).getArgs())
        .contains("--leader-election=false")
        .noneMatch(arg -> arg.startsWith("--lease-"));
    assertThat(
            OperatorChart.ofKind(rendered, Deployment.class)
                .get(0)
                .getSpec()
                .getStrategy()
                .getType())
        .isEqualTo("Recreate");
  }

  @Test
  void leaderElectionOnAllowsSeveralReplicas() {
    List<HasMetadata> rendered = renderedAndWellFormed(Map.of("replicaCount", 3));

    Deployment deployment = OperatorChart.ofKind(rendered, Deployment.class).get(0);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(OperatorChart.ofKind(rendered, Role.class))
        .filteredOn(role -> role.getMetadata().getName().endsWith("-leader-election"))
        .singleElement()
        .satisfies(
            role ->
                assertThat(role.getRules())
                    .singleElement()
                    .satisfies(rule -> assertThat(rule.getResources()).containsExactly("leases")));
  }

  @Test
  void metricsServiceAndServiceMonitorSelectTheOperator() {
    List<HasMetadata> rendered =
        renderedAndWellFormed(
            Map.of(
                "metrics",
                Map.of(
                    "service",
                    Map.of("enabled", true),
                    "serviceMonitor",
                    Map.of("enabled", true, "labels", Map.of("release", "prometheus")))));

    Deployment deployment = OperatorChart.ofKind(rendered, Deployment.class).get(0);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    Service service = OperatorChart.ofKind(rendered, Service.class).get(0);
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.getName()).isEqualTo("http-metrics");
              assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
            });
    ServiceMonitor monitor = OperatorChart.ofKind(rendered, ServiceMonitor.class).get(0);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
    assertThat(monitor.getSpec().getEndpoints())
        .singleElement()
        .satisfies(
            endpoint -> {
              assertThat(endpoint.getPort()).isEqualTo("http-metrics");
              assertThat(endpoint.getPath()).isEqualTo("/metrics");
            });
  }

  @Test
  void metricsServiceCanBeLeftOut() {
    List<HasMetadata> rendered =
        renderedAndWellFormed(Map.of("metrics", Map.of("service", Map.of("enabled", false))));

    assertThat(OperatorChart.ofKind(rendered, Service.class))
        .extracting(service -> service.getMetadata().getName())
        .containsExactly(OperatorChart.RELEASE + "-streaming-pipeline-operator-view");
    assertThat(OperatorChart.ofKind(rendered, ServiceMonitor.class)).isEmpty();
  }

  /**
   * Renders, then checks each document came out as its own fabric8 class with no field fabric8 did
   * not know.
   */
  private static List<HasMetadata> renderedAndWellFormed(Map<String, Object> values) {
    List<HasMetadata> rendered = OperatorChart.render(values);
    assertThat(rendered)
        .isNotEmpty()
        .allSatisfy(
            resource -> {
              assertThat(resource.getClass().getSimpleName())
                  .as("class of %s", resource.getKind())
                  .isEqualTo(resource.getKind());
              assertThat(resource.getApiVersion())
                  .isEqualTo(HasMetadata.getApiVersion(resource.getClass()));
              assertThat(UnknownFields.in(resource))
                  .as("fields fabric8 does not know in %s", resource.getKind())
                  .isEmpty();
            });
    return rendered;
  }

  private static List<String> kinds(List<HasMetadata> rendered) {
    return rendered.stream().map(HasMetadata::getKind).toList();
  }

  private static Container operatorContainer(List<HasMetadata> rendered) {
    List<Deployment> deployments = OperatorChart.ofKind(rendered, Deployment.class);
    assertThat(deployments).hasSize(1);
    return deployments.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
