package dev.insight.streaming.jobconfig;

import dev.insight.streaming.sinkstores.PipelineKey;
import java.io.Serializable;

/** The StreamingPipeline resource this job runs for. */
public record PipelineRef(String namespace, String name) implements Serializable {

  /** The key the offset stores file this pipeline under. */
  public PipelineKey key() {
    return new PipelineKey(namespace, name);
  }

  void validate(Problems p) {
    p.matches("pipeline.namespace", namespace, Problems.TOPIC, "a Kubernetes namespace");
    p.matches("pipeline.name", name, Problems.TOPIC, "a Kubernetes object name");
  }
}
