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
