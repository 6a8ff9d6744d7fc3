package dev.insight.streaming.operator.api.spec;

/** Which driver exits lead to a restart. */
public enum RestartPolicyType {
  /** Restart after any exit. */
  Always,
  /** Restart only after a failure (non-zero exit, pod failure). */
  OnFailure,
  /** Never restart; the pipeline becomes Failed. */
  Never
}
