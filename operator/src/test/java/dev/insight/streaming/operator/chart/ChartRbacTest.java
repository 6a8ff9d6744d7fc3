package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.rbac.AccessRule;
import dev.insight.streaming.operator.rbac.OperatorAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shape of the chart's RBAC, rendered by helm-java: by default a Role in the release namespace
 * alone; the same rules per watched namespace and, opted in, cluster-wide; each bound to the
 * operator's ServiceAccount; no wildcards; Secrets only read or created; no Role ever created by
 * the operator, which may bind the one driver ClusterRole (whose rules are {@link
 * OperatorAccess#driverRole()}) and no other. Whether the rules are the right ones is the real API
 * server's call: ChartRbacOnApiServerTest.
 */
class ChartRbacTest {

  static final String OPERATOR = OperatorChart.RELEASE + "-streaming-pipeline-operator";
  static final String DRIVER_CLUSTER_ROLE = OPERATOR + "-driver";

  @Test
  void byDefaultTheOperatorHasRightsInTheReleaseNamespaceAlone() {
    List<HasMetadata> rendered = OperatorChart.render(Map.of());
    assertThat(OperatorChart.resourceBindings(rendered)).isEmpty();
    assertThat(OperatorChart.ofKind(rendered, Role.class))
        .extracting(role -> role.getMetadata().getNamespace())
        .containsOnly(OperatorChart.RELEASE_NAMESPACE);
    assertThat(OperatorChart.ofKind(rendered, RoleBinding.class))
        .hasSize(2)
        .allSatisfy(
            binding -> {
              assertThat(binding.getMetadata().getNamespace())
                  .isEqualTo(OperatorChart.RELEASE_NAMESPACE);
              assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
              assertThat(binding.getSubjects())
                  .singleElement()
                  .satisfies(subject -> assertThat(subject.getName()).isEqualTo(OPERATOR));
            });
    assertThat(operatorRole(rendered, OperatorChart.RELEASE_NAMESPACE)).isNotNull();
  }

  @Test
  void theClusterRoleAndEachWatchedNamespaceRoleGrantTheSameRules() {
    ClusterRole clusterRole =
        operatorClusterRole(OperatorChart.render(Map.of("clusterWide", true)));
    List<HasMetadata> rendered =
        OperatorChart.render(Map.of("watchNamespaces", List.of("team-a", "team-b")));
    assertThat(OperatorChart.operatorClusterRoles(rendered))
        .extracting(role -> role.getMetadata().getName())
        .containsExactly(DRIVER_CLUSTER_ROLE);
    List<Role> namespaceRoles =
        OperatorChart.ofKind(rendered, Role.class).stream()
            .filter(
                role -> !role.getMetadata().getNamespace().equals(OperatorChart.RELEASE_NAMESPACE))
            .toList();
    assertThat(namespaceRoles)
        .hasSize(2)
        .allSatisfy(
            role -> assertThat(grants(role.getRules())).isEqualTo(grants(clusterRole.getRules())));
    assertThat(
            grants(
                operatorRole(OperatorChart.render(Map.of()), OperatorChart.RELEASE_NAMESPACE)
                    .getRules()))
        .isEqualTo(grants(clusterRole.getRules()));
    for (Role role : namespaceRoles) {
      assertThat(OperatorChart.ofKind(rendered, RoleBinding.class))
          .anySatisfy(
              binding -> {
                assertThat(binding.getMetadata().getNamespace())
                    .isEqualTo(role.getMetadata().getNamespace());
                assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
              });
    }
  }

  @Test
  void theClusterWideClusterRoleIsBoundToTheOperatorsServiceAccount() {
    List<HasMetadata> rendered = OperatorChart.render(Map.of("clusterWide", true));
    ClusterRole clusterRole = operatorClusterRole(rendered);
    ServiceAccount account = OperatorChart.ofKind(rendered, ServiceAccount.class).get(0);
    assertThat(OperatorChart.resourceBindings(rendered))
        .singleElement()
        .satisfies(
            binding -> {
              assertThat(binding.getRoleRef().getName())
                  .isEqualTo(clusterRole.getMetadata().getName());
              assertThat(binding.getSubjects())
                  .singleElement()
                  .satisfies(
                      subject -> {
                        assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
                        assertThat(subject.getNamespace())
                            .isEqualTo(OperatorChart.RELEASE_NAMESPACE);
                      });
            });
  }

  @Test
  void secretsAreReadOrCreatedNeverChangedAndLeasesOnlyInTheReleaseNamespace() {
    List<HasMetadata> rendered = OperatorChart.render(Map.of("watchNamespaces", List.of("team-a")));
    for (Role role : OperatorChart.ofKind(rendered, Role.class)) {
      Set<String> grants = grants(role.getRules());
      assertThat(grants)
          .filteredOn(g -> g.startsWith("/secrets:"))
          .as("the operator creates each pipeline's Spark authentication Secret, and changes none")
          .isSubsetOf("/secrets:get", "/secrets:list", "/secrets:watch", "/secrets:create");
      boolean releaseNamespace =
          role.getMetadata().getNamespace().equals(OperatorChart.RELEASE_NAMESPACE);
      assertThat(grants.stream().anyMatch(g -> g.startsWith("coordination.k8s.io/leases:")))
          .as(
              "leases in Role %s/%s",
              role.getMetadata().getNamespace(), role.getMetadata().getName())
          .isEqualTo(releaseNamespace);
    }
  }

  @Test
  void theResultsViewerClusterRoleGrantsExactlyWhatTheWebViewAsksFor() {
    ClusterRole viewer =
        OperatorChart.ofKind(OperatorChart.render(Map.of()), ClusterRole.class).stream()
            .filter(role -> role.getMetadata().getName().equals(OPERATOR + "-results-viewer"))
            .findFirst()
            .orElseThrow();
    assertThat(grants(viewer.getRules()))
        .isEqualTo(grants(AccessRule.toPolicyRules(OperatorAccess.resultsViewerRole())));
  }

  @Test
  void theDriverClusterRoleGrantsExactlyTheDriversRules() {
    List<HasMetadata> rendered = OperatorChart.render(Map.of());
    ClusterRole driver =
        OperatorChart.ofKind(rendered, ClusterRole.class).stream()
            .filter(role -> role.getMetadata().getName().equals(DRIVER_CLUSTER_ROLE))
            .findFirst()
            .orElseThrow();
    assertThat(grants(driver.getRules()))
        .isEqualTo(grants(AccessRule.toPolicyRules(OperatorAccess.driverRole())));
    assertThat(grants(OperatorAccess.driverClusterRole(DRIVER_CLUSTER_ROLE).getRules()))
        .isEqualTo(grants(driver.getRules()));
    // the operator is told the name the chart gave it
    Deployment deployment = OperatorChart.ofKind(rendered, Deployment.class).get(0);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--driver-cluster-role=" + DRIVER_CLUSTER_ROLE);
  }

  @Test
  void theOperatorMayBindTheDriverClusterRoleAloneAndCreatesNoRoles() {
    for (Map<String, Object> values :
        List.<Map<String, Object>>of(Map.of(), Map.of("clusterWide", true))) {
      List<HasMetadata> rendered = OperatorChart.render(values);
      List<PolicyRule> rules =
          values.isEmpty()
              ? operatorRole(rendered, OperatorChart.RELEASE_NAMESPACE).getRules()
              : operatorClusterRole(rendered).getRules();
      Set<String> grants = grants(rules);
      assertThat(grants)
          .filteredOn(g -> g.startsWith("rbac.authorization.k8s.io/"))
          .as("RBAC rights of the operator (%s)", values)
          .containsExactlyInAnyOrder(
              "rbac.authorization.k8s.io/clusterroles:bind@" + DRIVER_CLUSTER_ROLE,
              "rbac.authorization.k8s.io/rolebindings:create",
              "rbac.authorization.k8s.io/rolebindings:delete",
              "rbac.authorization.k8s.io/rolebindings:get",
              "rbac.authorization.k8s.io/rolebindings:update");
      assertThat(grants)
          .as("no verb that grants or asks for more rights, and no driver-only verb")
          .noneMatch(g -> g.matches(".*:(escalate|impersonate|deletecollection)(@.*)?"));
      assertThat(grants)
          .filteredOn(g -> g.contains(":bind"))
          .containsExactly("rbac.authorization.k8s.io/clusterroles:bind@" + DRIVER_CLUSTER_ROLE);
    }
  }

  private static Role operatorRole(List<HasMetadata> rendered, String namespace) {
    return OperatorChart.ofKind(rendered, Role.class).stream()
        .filter(role -> role.getMetadata().getNamespace().equals(namespace))
        .filter(role -> role.getMetadata().getName().equals(OPERATOR))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operator Role in " + namespace));
  }

  private static ClusterRole operatorClusterRole(List<HasMetadata> rendered) {
    return OperatorChart.ofKind(rendered, ClusterRole.class).stream()
        .filter(role -> role.getMetadata().getName().equals(OPERATOR))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operator ClusterRole"));
  }

  /**
   * Each rendered rule, flattened to "group/resource:verb", with "@name" for each resource name it
   * is limited to; wildcards would not compare, so none may appear.
   */
  private static Set<String> grants(Collection<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getNonResourceURLs()).as("nonResourceURLs in %s", rule).isNullOrEmpty();
      List<String> names =
          rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
              ? List.of("")
              : rule.getResourceNames().stream().map(name -> "@" + name).toList();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            for (String name : names) {
              assertThat(List.of(group, resource, verb, name))
                  .as("wildcard in %s", rule)
                  .doesNotContain("*", "@*");
              grants.add(group + "/" + resource + ":" + verb + name);
            }
          }
        }
      }
    }
    return grants;
  }
}
