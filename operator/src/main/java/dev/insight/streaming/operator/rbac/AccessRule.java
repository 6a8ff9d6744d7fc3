package dev.insight.streaming.operator.rbac;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/** One RBAC grant: a set of verbs on one resource of one API group ("" is the core group). */
public record AccessRule(String apiGroup, String resource, List<String> verbs) {

  public AccessRule {
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(resource, "resource");
    if (verbs.isEmpty()) {
      throw new IllegalArgumentException(
          "a rule without verbs grants nothing: " + apiGroup + "/" + resource);
    }
    // sorted and distinct, so two rules granting the same thing are equal and render the same way
    verbs = List.copyOf(new TreeSet<>(verbs));
  }

  /** A rule for {@code resource} in {@code apiGroup} granting {@code verbs}. */
  public static AccessRule of(String apiGroup, String resource, String... verbs) {
    return new AccessRule(apiGroup, resource, List.of(verbs));
  }

  /** The fabric8 form, for building a Role or ClusterRole. */
  public PolicyRule toPolicyRule() {
    return new PolicyRuleBuilder()
        .withApiGroups(apiGroup)
        .withResources(resource)
        .withVerbs(verbs)
        .build();
  }

  /** The fabric8 form of each rule, in order. */
  public static List<PolicyRule> toPolicyRules(Collection<AccessRule> rules) {
    return rules.stream().map(AccessRule::toPolicyRule).toList();
  }
}
