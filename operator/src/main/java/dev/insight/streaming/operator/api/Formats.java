package dev.insight.streaming.operator.api;

/**
 * The string formats the schema enforces, kept in one place so the CRD, CEL rules and Java checks
 * agree.
 */
public final class Formats {

  /** A Kafka topic name as the broker accepts it. */
  public static final String TOPIC = "^[a-zA-Z0-9._-]{1,249}$";

  /**
   * A Kafka consumer group id (restricted to topic-name characters so it is safe in metric labels).
   */
  public static final String CONSUMER_GROUP = "^[a-zA-Z0-9._-]{1,249}$";

  /**
   * A duration such as {@code 500ms}, {@code 5s}, {@code 1m30s}; also what CEL's duration() parses.
   */
  public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";

  /**
   * A memory size: Spark's units (k, m, g, t) or Kubernetes binary units (Ki, Mi, Gi, Ti); a unit
   * is required.
   */
  public static final String MEMORY = "^[1-9][0-9]*(k|m|g|t|Ki|Mi|Gi|Ti)$";

  /**
   * A CPU quantity: whole or decimal cores (up to millicores), or millicores, e.g. 2, 1.5, 1500m.
   */
  public static final String CPU =
      "^([1-9][0-9]{0,5}m|[1-9][0-9]{0,2}(\\.[0-9]{1,3})?|0\\.[0-9]{0,2}[1-9])$";

  /** A comma-separated list of host:port pairs. */
  public static final String HOST_PORT_LIST = "^[^,\\s]+:[0-9]{1,5}(,[^,\\s]+:[0-9]{1,5})*$";

  /** One host, optionally with a port. */
  public static final String HOST_OPTIONAL_PORT = "^[^,\\s:]+(:[0-9]{1,5})?$";

  /** A Cassandra keyspace, table or column name, also valid as a MongoDB field name. */
  public static final String IDENTIFIER = "^[a-zA-Z][a-zA-Z0-9_]{0,47}$";

  /** A dotted path into a JSON record, e.g. {@code user.id}. */
  public static final String JSON_PATH = "^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$";

  /** A fully qualified Java class name. */
  public static final String JAVA_CLASS =
      "^([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*$";

  /** A Kubernetes object name (DNS subdomain). */
  public static final String OBJECT_NAME =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A key inside a Secret. */
  public static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

  /** A MongoDB database name. */
  public static final String MONGO_DATABASE = "^[A-Za-z0-9_-]{1,63}$";

  /** A MongoDB collection name. */
  public static final String MONGO_COLLECTION = "^[A-Za-z_][A-Za-z0-9_.-]{0,119}$";

  /** A container image reference (no whitespace). */
  public static final String IMAGE = "^\\S+$";

  private Formats() {}
}
