package dev.insight.streaming.operator.changes;

/** What a change to a spec field means for the running pipeline. */
public enum ChangeKind {
  /** The driver reads it at start: stop the driver gracefully and start a new one. */
  REDEPLOY_DRIVER,
  /**
   * The operator applies it without touching the driver (lag settings, topic shape, restart policy,
   * ...).
   */
  IN_PLACE
}
