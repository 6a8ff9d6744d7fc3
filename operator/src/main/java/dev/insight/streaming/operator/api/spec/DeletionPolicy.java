package dev.insight.streaming.operator.api.spec;

/** What happens to the pipeline's Kafka topics when the resource is deleted. */
public enum DeletionPolicy {
  Retain,
  Delete
}
