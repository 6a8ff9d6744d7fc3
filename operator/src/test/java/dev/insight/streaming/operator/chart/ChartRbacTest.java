package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.rbac.AccessRule;
import dev.insight.streaming.operator.rbac.OperatorAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
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
 * The shape of the chart's RBAC, rendered by helm-java: the same rules cluster-wide and per watched
 * namespace, each bound to the operator's ServiceAccount, no wildcards, Secrets only read, the
 * Lease Role only in the release namespace, and everything the driver Role grants held by the
 * operator. Whether the rules are the right ones is the real API server's call:
 * ChartRbacOnApiServerTest.
 */
class ChartRbacTest {

  @Test
  void theClusterRoleAndEachWatchedNamespaceRoleGrantTheSameRules() {
    ClusterRole clusterRole =
        OperatorChart.ofKind(OperatorChart.render(Map.of()), ClusterRole.class).get(0);
    List<HasMetadata> rendered =
        OperatorChart.render(Map.of("watchNamespaces", List.of("team-a", "team-b")));
    assertThat(OperatorChart.ofKind(rendered, ClusterRole.class)).isEmpty();
    List<Role> namespaceRoles =
        OperatorChart.ofKind(rendered, Role.class).stream()
            .filter(
                role -> !role.getMetadata().getNamespace().equals(OperatorChart.RELEASE_NAMESPACE))
            .toList();
    assertThat(namespaceRoles)
        .hasSize(2)
        .allSatisfy(
            role -> assertThat(grants(role.getRules())).isEqualTo(grants(clusterRole.getRules())));
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
  void theClusterRoleIsBoundToTheOperatorsServiceAccount() {
    List<HasMetadata> rendered = OperatorChart.render(Map.of());
    ClusterRole clusterRole = OperatorChart.ofKind(rendered, ClusterRole.class).get(0);
    ServiceAccount account = OperatorChart.ofKind(rendered, ServiceAccount.class).get(0);
    assertThat(OperatorChart.ofKind(rendered, ClusterRoleBinding.class))
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
  void theOperatorHoldsEverythingTheDriverRoleGrants() {
    // Kubernetes' escalation check: a Role may only grant what its creator holds
    Set<String> held =
        grants(
            OperatorChart.ofKind(OperatorChart.render(Map.of()), ClusterRole.class)
                .get(0)
                .getRules());
    assertThat(held).containsAll(grants(AccessRule.toPolicyRules(OperatorAccess.driverRole())));
  }

  /**
   * Each rendered rule, flattened to "group/resource:verb"; wildcards and name limits would not
   * compare, so none may appear.
   */
  private static Set<String> grants(Collection<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getResourceNames()).as("resourceNames in %s", rule).isNullOrEmpty();
      assertThat(rule.getNonResourceURLs()).as("nonResourceURLs in %s", rule).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            assertThat(List.of(group, resource, verb))
                .as("wildcard in %s", rule)
                .doesNotContain("*");
            grants.add(group + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return grants;
  }
}
