package dev.insight.streaming.operator.api.status;

/** Where the pipeline is in its life, in one word for {@code kubectl get}. */
public enum Phase {
  /** Accepted, nothing done yet (or the spec is invalid and nothing will be done). */
  Pending,
  /** Topics, sink schemas or the driver are being set up. */
  Provisioning,
  /** The driver runs and lag is healthy. */
  Running,
  /** The driver runs or restarts, but something is wrong (lag, sink, restarts). */
  Degraded,
  /** spec.suspend is true: the driver is stopped, everything else kept. */
  Suspended,
  /** Gave up: invalid spec, or restart policy exhausted. */
  Failed
}
