package dev.insight.streaming.operator.rbac;

import java.util.List;

/**
 * The Role each pipeline's driver gets in its namespace, declared once as data. What the operator
 * itself may do is the chart's RBAC, and its truth is tested against the real API server: a whole
 * lifecycle under the chart's rules meets no 403, and dropping any single rule makes it meet one
 * (ChartRbacOnApiServerTest).
 */
public final class OperatorAccess {

  /** The core API group. */
  public static final String CORE = "";

  /*
   * What each pipeline's driver pod may do in its own namespace. Spark's driver (client mode) creates
   * its executor pods and their configuration map, watches them, patches labels on executors it
   * decommissions, and removes them on stop with one delete-by-label call (deletecollection).
   */
  private static final List<AccessRule> DRIVER_ROLE =
      List.of(
          AccessRule.of(
              CORE,
              "pods",
              "create",
              "get",
              "list",
              "watch",
              "patch",
              "delete",
              "deletecollection"),
          AccessRule.of(CORE, "services", "create", "get", "list", "watch", "delete"),
          AccessRule.of(
              CORE, "configmaps", "create", "get", "list", "watch", "delete", "deletecollection"));

  private OperatorAccess() {}

  /**
   * What the Role given to each pipeline's driver grants, in the pipeline's namespace. The operator
   * must hold all of it: Kubernetes lets nobody create a Role that grants more than its creator
   * holds.
   */
  public static List<AccessRule> driverRole() {
    return DRIVER_ROLE;
  }
}
