package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Cores and memory of the driver pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriverResources {

  @Default("1")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Driver cores (spark.driver.cores and the pod's CPU request).")
  private Integer cores = 1;

  @Default("1g")
  @Size(max = 16)
  @Pattern(Formats.MEMORY)
  @JsonPropertyDescription(
      "Driver heap (spark.driver.memory), e.g. 1g, 512m, 2Gi. A unit is required.")
  private String memory = "1g";

  @Size(max = 16)
  @Pattern(Formats.CPU)
  @JsonPropertyDescription(
      "CPU limit of the driver pod, e.g. 2 or 1500m. Omitted (the default): no limit, only the"
          + " request of its cores, so the JVM is not throttled at start-up, in GC or in bursts.")
  private String cpuLimit;

  @JsonPropertyDescription(
      "Added to the driver pods: labels, annotations, image pull secrets, node selector,"
          + " tolerations, affinity, priority class, volumes, init and sidecar containers, and"
          + " env, envFrom and volumeMounts of the main container (named spark-kubernetes-driver)."
          + " What the operator sets wins on a conflict.")
  private PodTemplateSpec podTemplate;

  public Integer getCores() {
    return cores;
  }

  public void setCores(Integer cores) {
    this.cores = cores;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }

  public String getCpuLimit() {
    return cpuLimit;
  }

  public void setCpuLimit(String cpuLimit) {
    this.cpuLimit = cpuLimit;
  }

  public PodTemplateSpec getPodTemplate() {
    return podTemplate;
  }

  public void setPodTemplate(PodTemplateSpec podTemplate) {
    this.podTemplate = podTemplate;
  }
}
