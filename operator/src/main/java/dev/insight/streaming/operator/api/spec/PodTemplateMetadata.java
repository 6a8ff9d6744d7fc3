package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/** Labels and annotations of a pod template. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplateMetadata {

  @Size(max = 64)
  @JsonPropertyDescription(
      "Labels added to the pods. Labels the operator or Spark set (streaming.insight.dev/*,"
          + " spark-role, spark-app-selector, spark-exec-id) keep their values.")
  private Map<String, String> labels;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Annotations added to the pods (a service mesh, a metrics scraper). Annotations the"
          + " operator sets (streaming.insight.dev/*) keep their values.")
  private Map<String, String> annotations;

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }
}
