package dev.insight.streaming.operator.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.junit.jupiter.api.Test;

/** The driver Role's declaration: what it must never grant, and how a rule renders. */
class OperatorAccessTest {

  @Test
  void theDriverNeverReadsSecretsOrGrantsByWildcard() {
    assertThat(OperatorAccess.driverRole()).noneMatch(rule -> rule.resource().equals("secrets"));
    assertThat(OperatorAccess.driverRole())
        .allSatisfy(
            rule -> {
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
  void aRuleWithoutVerbsIsRefused() {
    assertThatThrownBy(() -> AccessRule.of("", "pods"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
