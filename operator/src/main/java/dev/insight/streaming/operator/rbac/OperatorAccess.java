package dev.insight.streaming.operator.rbac;

import dev.insight.streaming.operator.api.StreamingPipeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes API access the operator uses, declared once as data: the Helm chart's RBAC is tested
 * against it, and the driver's Role is built from it.
 */
public final class OperatorAccess {

  /** The core API group. */
  public static final String CORE = "";
  /** The API group of the StreamingPipeline resource. */
  public static final String PIPELINES_GROUP = StreamingPipeline.GROUP;
  /** The plural of the StreamingPipeline resource. */
  public static final String PIPELINES = StreamingPipeline.PLURAL;

  static final String RBAC = "rbac.authorization.k8s.io";
  static final String COORDINATION = "coordination.k8s.io";
  static final String EVENTS = "events.k8s.io";

  /*
   * What each pipeline's driver pod may do in its own namespace. Spark's driver (client mode) creates
   * its executor pods and their configuration map, watches them, patches labels on executors it
   * decommissions, and removes them on stop with one delete-by-label call (deletecollection).
   */
  private static final List<AccessRule> DRIVER_ROLE = List.of(
      AccessRule.of(CORE, "pods", "create", "get", "list", "watch", "patch", "delete", "deletecollection"),
      AccessRule.of(CORE, "services", "create", "get", "list", "watch", "delete"),
      AccessRule.of(CORE, "configmaps", "create", "get", "list", "watch", "delete", "deletecollection"));

  /* What the operator itself does in every namespace it watches. */
  private static final List<AccessRule> RECONCILE = List.of(
      AccessRule.of(PIPELINES_GROUP, PIPELINES, "get", "list", "watch", "patch", "update"),
      AccessRule.of(PIPELINES_GROUP, PIPELINES + "/status", "get", "patch", "update"),
      // a finalizer can only be set or cleared by whoever may update this subresource
      AccessRule.of(PIPELINES_GROUP, PIPELINES + "/finalizers", "update"),
      AccessRule.of(CORE, "events", "create", "patch"),
      AccessRule.of(EVENTS, "events", "create", "patch"),
      // only to resolve the credential references in a spec; never written
      AccessRule.of(CORE, "secrets", "get", "list", "watch"),
      // the driver's JobConfig, headless Service, ServiceAccount and Pod
      AccessRule.of(CORE, "configmaps", "get", "list", "watch", "create", "update", "patch", "delete"),
      AccessRule.of(CORE, "services", "get", "list", "watch", "create", "update", "patch", "delete"),
      AccessRule.of(CORE, "serviceaccounts", "get", "list", "watch", "create", "update", "patch", "delete"),
      AccessRule.of(CORE, "pods", "get", "list", "watch", "create", "delete"),
      // the driver's Role and its binding to the driver's ServiceAccount
      AccessRule.of(RBAC, "roles", "get", "list", "watch", "create", "update", "patch", "delete"),
      AccessRule.of(RBAC, "rolebindings", "get", "list", "watch", "create", "update", "patch", "delete"));

  /* Leader election: one Lease in the operator's own namespace. */
  private static final List<AccessRule> LEADER_ELECTION = List.of(
      AccessRule.of(COORDINATION, "leases", "get", "create", "update"));

  private OperatorAccess() {
  }

  /** What the Role given to each pipeline's driver grants, in the pipeline's namespace. */
  public static List<AccessRule> driverRole() {
    return DRIVER_ROLE;
  }

  /**
   * What the operator needs in each watched namespace (cluster-wide when it watches all): its own
   * needs plus everything the driver Role grants, because Kubernetes lets nobody create a Role that
   * grants more than its creator holds.
   */
  public static List<AccessRule> watchedNamespaces() {
    return merge(RECONCILE, DRIVER_ROLE);
  }

  /** What the operator needs in its own namespace when leader election is on. */
  public static List<AccessRule> leaderElection() {
    return LEADER_ELECTION;
  }

  private static List<AccessRule> merge(List<AccessRule> first, List<AccessRule> second) {
    Map<String, AccessRule> byResource = new LinkedHashMap<>();
    for (AccessRule rule : concat(first, second)) {
      byResource.merge(rule.apiGroup() + "/" + rule.resource(), rule, AccessRule::union);
    }
    return List.copyOf(byResource.values());
  }

  private static List<AccessRule> concat(List<AccessRule> first, List<AccessRule> second) {
    List<AccessRule> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
