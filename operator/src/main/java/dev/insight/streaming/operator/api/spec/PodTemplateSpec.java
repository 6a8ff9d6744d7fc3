package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What a user adds to the driver or executor pods: the parts of a pod template a real cluster needs
 * (registry credentials, scheduling, extra volumes, sidecars), pruned from the full pod schema so
 * the CRD stays small enough for {@code kubectl apply}. The operator merges what it owns over it
 * ({@link dev.insight.streaming.operator.driver.PodTemplates}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplateSpec {

  @JsonPropertyDescription(
      "Labels and annotations added to the pods; the operator's own labels win on a conflict.")
  private PodTemplateMetadata metadata;

  @JsonPropertyDescription(
      "Pod spec fields added to the pods: registry credentials, scheduling, volumes, extra"
          + " containers. The operator's own settings win on a conflict.")
  private PodTemplatePodSpec spec;

  public PodTemplateMetadata getMetadata() {
    return metadata;
  }

  public void setMetadata(PodTemplateMetadata metadata) {
    this.metadata = metadata;
  }

  public PodTemplatePodSpec getSpec() {
    return spec;
  }

  public void setSpec(PodTemplatePodSpec spec) {
    this.spec = spec;
  }
}
