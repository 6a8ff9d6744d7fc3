package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.operator.rbac.AccessRule;
import dev.insight.streaming.operator.rbac.OperatorAccess;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
 * The chart grants exactly what {@link OperatorAccess} declares: nothing missing (the operator would get
 * 403s), nothing extra (least privilege), compared one (group, resource, verb) grant at a time.
 */
class ChartRbacTest {

  @Test
  void clusterRoleGrantsExactlyTheDeclaredAccess() {
    List<HasMetadata> rendered = OperatorChart.render(Map.of());

    ClusterRole clusterRole = OperatorChart.ofKind(rendered, ClusterRole.class).get(0);
    assertThat(grants(clusterRole.getRules())).isEqualTo(declared(OperatorAccess.watchedNamespaces()));
    assertThat(OperatorChart.ofKind(rendered, ClusterRoleBinding.class)).singleElement()
        .satisfies(binding -> assertThat(binding.getRoleRef().getName())
            .isEqualTo(clusterRole.getMetadata().getName()));
  }

  @Test
  void eachWatchedNamespaceRoleGrantsExactlyTheDeclaredAccess() {
    List<HasMetadata> rendered = OperatorChart.render(Map.of("watchNamespaces", List.of("team-a", "team-b")));

    List<Role> namespaceRoles = OperatorChart.ofKind(rendered, Role.class).stream()
        .filter(role -> !role.getMetadata().getNamespace().equals(OperatorChart.RELEASE_NAMESPACE)).toList();
    assertThat(namespaceRoles).hasSize(2).allSatisfy(role ->
        assertThat(grants(role.getRules())).isEqualTo(declared(OperatorAccess.watchedNamespaces())));
    for (Role role : namespaceRoles) {
      assertThat(OperatorChart.ofKind(rendered, RoleBinding.class)).anySatisfy(binding -> {
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(role.getMetadata().getNamespace());
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
      });
    }
  }

  @Test
  void leaderElectionRoleGrantsExactlyTheDeclaredLeaseAccessInTheReleaseNamespace() {
    List<HasMetadata> rendered = OperatorChart.render(Map.of("watchNamespaces", List.of("team-a")));

    Role leaseRole = OperatorChart.ofKind(rendered, Role.class).stream()
        .filter(role -> role.getMetadata().getNamespace().equals(OperatorChart.RELEASE_NAMESPACE))
        .findFirst().orElseThrow();
    assertThat(grants(leaseRole.getRules())).isEqualTo(declared(OperatorAccess.leaderElection()));
  }

  @Test
  void theOperatorHoldsEverythingTheDriverRoleGrants() {
    // Kubernetes' escalation check: a Role may only grant what its creator holds
    Set<String> held = grants(OperatorChart.ofKind(OperatorChart.render(Map.of()), ClusterRole.class).get(0).getRules());
    assertThat(held).containsAll(declared(OperatorAccess.driverRole()));
  }

  /** Each rendered rule, flattened to "group/resource:verb"; wildcards and name limits would not compare, so none may appear. */
  private static Set<String> grants(Collection<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getResourceNames()).as("resourceNames in %s", rule).isNullOrEmpty();
      assertThat(rule.getNonResourceURLs()).as("nonResourceURLs in %s", rule).isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            assertThat(List.of(group, resource, verb)).as("wildcard in %s", rule).doesNotContain("*");
            grants.add(group + "/" + resource + ":" + verb);
          }
        }
      }
    }
    return grants;
  }

  private static Set<String> declared(List<AccessRule> rules) {
    return grants(AccessRule.toPolicyRules(rules));
  }
}
