package dev.insight.streaming.operator.api;

import java.util.Arrays;
import java.util.Optional;

/** The condition types and the closed set of reasons the operator writes into status. */
public final class Conditions {

  /**
   * Everything is in place and the driver runs; what {@code kubectl wait --for=condition=Ready}
   * waits for.
   */
  public static final String READY = "Ready";

  /** Every input and dead-letter topic exists with the requested partitions. */
  public static final String TOPICS_READY = "TopicsReady";

  /** Every sink is reachable and its schema and offset store exist. */
  public static final String SINKS_READY = "SinksReady";

  /** The driver pod runs. */
  public static final String DRIVER_RUNNING = "DriverRunning";

  /** Lag evaluation is OK. */
  public static final String LAG_HEALTHY = "LagHealthy";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  /** Why a condition has its status; the string value is what status carries. */
  public enum Reason {
    /**
     * The spec breaks a rule the operator checks at reconcile time; the message names the fields.
     */
    INVALID_SPEC("InvalidSpec"),
    /** A Secret named by the spec, or a key in it, is missing. */
    SECRET_NOT_FOUND("SecretNotFound"),
    /**
     * A connection setting asks the operator for something it will not do with its own identity
     * (read local credentials or files, fetch tokens, load code).
     */
    SETTING_REFUSED("SettingRefused"),
    /** Something is being created and not ready yet. */
    PROVISIONING("Provisioning"),
    /** Everything this condition covers is ready. */
    READY("Ready"),
    /** The Kafka cluster cannot be reached. */
    KAFKA_UNAVAILABLE("KafkaUnavailable"),
    /** A topic exists with more partitions than the spec asks for. */
    PARTITIONS_DECREASED("PartitionsDecreased"),
    /**
     * A topic of the spec existed before this pipeline created it (another pipeline's, a shared
     * one): it is read, but its config and partitions are left alone and it is never deleted. The
     * message names it and what the spec asks of it that is not done.
     */
    TOPIC_NOT_OWNED("TopicNotOwned"),
    /** Kafka refused to create or change a topic. */
    TOPIC_ERROR("TopicError"),
    /** A sink cannot be reached. */
    SINK_UNREACHABLE("SinkUnreachable"),
    /** A sink's schema or offset store could not be created or does not match. */
    SINK_SCHEMA_ERROR("SinkSchemaError"),
    /**
     * A sink's table has a column whose type differs from its field's; Cassandra cannot change it,
     * so the driver is not (re)deployed with the spec. The message names field and both types.
     */
    SINK_SCHEMA_INCOMPATIBLE("SinkSchemaIncompatible"),
    /**
     * An object with a name derived from this pipeline exists and is controlled by something else
     * (another pipeline, nothing): it is neither changed nor deleted. The message names the object
     * and its owner.
     */
    NAME_CONFLICT("NameConflict"),
    /**
     * The sink's table or collection is claimed by another pipeline; the message names it and the
     * claimant.
     */
    SINK_CLAIMED("SinkClaimed"),
    /** The driver pod is starting. */
    DRIVER_STARTING("DriverStarting"),
    /** The driver pod runs. */
    DRIVER_RUNNING("DriverRunning"),
    /** The driver stopped and waits for its next restart. */
    BACKING_OFF("BackingOff"),
    /** The driver failed and the restart policy forbids another restart. */
    RETRIES_EXHAUSTED("RetriesExhausted"),
    /** The driver exited and the restart policy does not restart it. */
    DRIVER_COMPLETED("DriverCompleted"),
    /** spec.suspend is true. */
    SUSPENDED("Suspended"),
    /** Lag is stable or shrinking. */
    LAG_OK("LagOk"),
    /** Lag is above the warn threshold and growing. */
    LAG_GROWING("LagGrowing"),
    /** Processed offsets stand still while lag is above zero. */
    LAG_STALLED("LagStalled"),
    /** Offsets stopped being stored or committed. */
    OFFSETS_STOPPED("OffsetsStopped"),
    /** Offsets could not be read. */
    LAG_UNKNOWN("LagUnknown"),
    /**
     * The Kubernetes API refused a request a step needs (a quota, an admission rule); the message
     * quotes it.
     */
    KUBERNETES_API_ERROR("KubernetesApiError"),
    /**
     * A reconcile failed for a reason no step reported; the message says what failed. Retried with
     * backoff.
     */
    RECONCILE_ERROR("ReconcileError");

    private final String value;

    Reason(String value) {
      this.value = value;
    }

    /** The CamelCase form written into status. */
    public String value() {
      return value;
    }

    /** The reason whose status form is {@code value}. */
    public static Optional<Reason> fromValue(String value) {
      return Arrays.stream(values()).filter(r -> r.value.equals(value)).findFirst();
    }

    @Override
    public String toString() {
      return value;
    }
  }

  private Conditions() {}
}
