package dev.insight.streaming.operator.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The declaration's own rules: what it merges, what it must always contain, and what it must never grant. */
class OperatorAccessTest {

  @Test
  void watchedNamespaceAccessCoversEveryVerbTheDriverRoleGrants() {
    for (AccessRule driverRule : OperatorAccess.driverRole()) {
      assertThat(OperatorAccess.watchedNamespaces())
          .filteredOn(rule -> rule.apiGroup().equals(driverRule.apiGroup())
              && rule.resource().equals(driverRule.resource()))
          .singleElement()
          .satisfies(rule -> assertThat(rule.verbs()).containsAll(driverRule.verbs()));
    }
  }

  @Test
  void eachResourceAppearsOnceWithVerbsMerged() {
    List<String> keys = OperatorAccess.watchedNamespaces().stream()
        .map(rule -> rule.apiGroup() + "/" + rule.resource()).toList();
    assertThat(keys).doesNotHaveDuplicates();
    // configmaps: the operator's own update/patch plus the driver's deletecollection
    assertThat(OperatorAccess.watchedNamespaces())
        .filteredOn(rule -> rule.resource().equals("configmaps")).singleElement()
        .satisfies(rule -> assertThat(rule.verbs()).contains("update", "patch", "deletecollection"));
  }

  @Test
  void secretsAreOnlyRead() {
    assertThat(OperatorAccess.watchedNamespaces())
        .filteredOn(rule -> rule.resource().equals("secrets")).singleElement()
        .satisfies(rule -> assertThat(rule.verbs()).containsExactlyInAnyOrder("get", "list", "watch"));
    assertThat(OperatorAccess.driverRole()).noneMatch(rule -> rule.resource().equals("secrets"));
  }

  @Test
  void leasesAreOnlyForLeaderElection() {
    assertThat(OperatorAccess.watchedNamespaces()).noneMatch(rule -> rule.resource().equals("leases"));
    assertThat(OperatorAccess.leaderElection()).extracting(AccessRule::resource).containsExactly("leases");
  }

  @Test
  void nothingIsGrantedByWildcard() {
    assertThat(OperatorAccess.watchedNamespaces()).allSatisfy(rule -> {
      assertThat(rule.resource()).isNotEqualTo("*");
      assertThat(rule.verbs()).doesNotContain("*", "escalate", "bind", "impersonate");
    });
  }

  @Test
  void ruleVerbsAreSortedAndDistinctAndTurnIntoAPolicyRule() {
    AccessRule rule = AccessRule.of("", "pods", "watch", "get", "get");
    assertThat(rule.verbs()).containsExactly("get", "watch");
    PolicyRule policy = rule.toPolicyRule();
    assertThat(policy.getApiGroups()).containsExactly("");
    assertThat(policy.getResources()).containsExactly("pods");
    assertThat(policy.getVerbs()).containsExactly("get", "watch");
  }

  @Test
  void rulesForDifferentResourcesDoNotMerge() {
    assertThatThrownBy(() -> AccessRule.of("", "pods", "get").union(AccessRule.of("", "services", "get")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AccessRule.of("", "pods")).isInstanceOf(IllegalArgumentException.class);
  }
}
