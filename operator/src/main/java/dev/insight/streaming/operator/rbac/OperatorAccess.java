package dev.insight.streaming.operator.rbac;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import java.util.List;

/**
 * What each pipeline's driver may do in its namespace, declared once as data: the rules of the one
 * driver ClusterRole the chart installs, which the operator binds (a RoleBinding per pipeline in
 * the pipeline's namespace) and never creates or changes. What the operator itself may do is the
 * chart's RBAC, and its truth is tested against the real API server: a whole lifecycle under the
 * chart's rules meets no 403, and dropping any single verb makes it meet one
 * (ChartRbacOnApiServerTest).
 */
public final class OperatorAccess {

  /** The core API group. */
  public static final String CORE = "";

  /*
   * What each pipeline's driver pod may do in its own namespace: exactly what Spark 3.5's Kubernetes
   * backend does in client mode with the properties the operator renders (seen under this Role on a
   * real API server, see ExecutorPodsStoryTest). It reads its own pod (to own its executors), creates
   * executor pods, lists and watches them, deletes a failed one, and on stop removes the rest and
   * the executors' configuration map with one delete-by-label call each (deletecollection). It
   * creates no Service (the operator made the driver's) and no claims: SparkProperties turns off
   * the deletion of both on stop, so the Role needs nothing on services or persistentvolumeclaims.
   */
  private static final List<AccessRule> DRIVER_ROLE =
      List.of(
          AccessRule.of(
              CORE, "pods", "create", "get", "list", "watch", "delete", "deletecollection"),
          AccessRule.of(CORE, "configmaps", "create", "deletecollection"));

  /** The subresource the web view asks {@code get} on before it shows a pipeline's sink rows. */
  public static final String RESULTS_SUBRESOURCE = "results";

  /*
   * What a viewer of the web view needs in a namespace to see its pipelines and their sink rows: the
   * rules of the chart's <release>-results-viewer ClusterRole, bound by an administrator. The API
   * server has no results subresource; RBAC grants it all the same, and only the view asks.
   */
  private static final List<AccessRule> RESULTS_VIEWER_ROLE =
      List.of(
          AccessRule.of(
              dev.insight.streaming.operator.api.StreamingPipeline.GROUP,
              dev.insight.streaming.operator.api.StreamingPipeline.PLURAL,
              "get",
              "list",
              "watch"),
          AccessRule.of(
              dev.insight.streaming.operator.api.StreamingPipeline.GROUP,
              dev.insight.streaming.operator.api.StreamingPipeline.PLURAL
                  + "/"
                  + RESULTS_SUBRESOURCE,
              "get"));

  private OperatorAccess() {}

  /** What the chart's results-viewer ClusterRole grants. */
  public static List<AccessRule> resultsViewerRole() {
    return RESULTS_VIEWER_ROLE;
  }

  /** The results-viewer ClusterRole as the chart installs it, under {@code name}. */
  public static ClusterRole resultsViewerClusterRole(String name) {
    return new ClusterRoleBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withRules(AccessRule.toPolicyRules(RESULTS_VIEWER_ROLE))
        .build();
  }

  /**
   * What the driver ClusterRole grants; a RoleBinding makes it hold in one pipeline's namespace
   * only. The operator need not hold these rights itself: Kubernetes lets it bind the ClusterRole
   * because the operator's Role grants {@code bind} on that one ClusterRole by name.
   */
  public static List<AccessRule> driverRole() {
    return DRIVER_ROLE;
  }

  /**
   * The driver ClusterRole as installed by the chart (or, on the local cluster, by its
   * administrator): {@link #driverRole()}'s rules under {@code name}.
   */
  public static ClusterRole driverClusterRole(String name) {
    return new ClusterRoleBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withRules(AccessRule.toPolicyRules(DRIVER_ROLE))
        .build();
  }
}
