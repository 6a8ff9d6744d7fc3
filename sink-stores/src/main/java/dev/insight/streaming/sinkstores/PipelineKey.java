package dev.insight.streaming.sinkstores;

import java.util.Objects;

/**
 * Identifies one pipeline in every offset store: {@code <namespace>/<name>} of its
 * StreamingPipeline resource.
 */
public record PipelineKey(String namespace, String name) {

  public PipelineKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    // '/' separates the two parts in the stored key, so neither part may contain it
    if (namespace.isEmpty() || name.isEmpty() || namespace.contains("/") || name.contains("/")) {
      throw new IllegalArgumentException(
          "namespace and name must be non-empty and free of '/': " + namespace + "/" + name);
    }
  }

  /** Parses the stored form {@code namespace/name}. */
  public static PipelineKey parse(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("pipeline key must be namespace/name: " + key);
    }
    return new PipelineKey(key.substring(0, slash), key.substring(slash + 1));
  }

  /** The value stored in the offset stores' {@code pipeline} column/field. */
  public String key() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return key();
  }
}
