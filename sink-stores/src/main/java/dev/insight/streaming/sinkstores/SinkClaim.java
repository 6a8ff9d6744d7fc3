package dev.insight.streaming.sinkstores;

import java.util.Objects;

/**
 * Which pipeline writes into one sink table or collection: {@code sink} is {@code keyspace.table}
 * or {@code database.collection}, the holder is a pipeline's namespace, name and UID.
 */
public record SinkClaim(String sink, String namespace, String name, String uid) {

  public SinkClaim {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
  }

  /**
   * Whether {@code other} is held by the same pipeline object name (a pipeline deleted and made
   * again under its name has a new UID, and may take its predecessor's claim over).
   */
  public boolean samePipeline(SinkClaim other) {
    return namespace.equals(other.namespace) && name.equals(other.name);
  }

  /** {@code namespace/name (uid ...)}, for messages. */
  public String holder() {
    return namespace + "/" + name + " (uid " + uid + ")";
  }
}
