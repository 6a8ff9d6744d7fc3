package dev.insight.streaming.operator.api.status;

/** The verdict on consumer lag over the evaluation window (worst partition wins). */
public enum LagEvaluation {
  /** Lag is stable or shrinking. */
  OK,
  /** Lag is above the warn threshold and keeps growing. */
  WARN,
  /** Processed offsets stand still while lag is above zero. */
  STALL,
  /** Offsets stopped being stored or committed. */
  STOP,
  /** Offsets could not be read. */
  ERR
}
