package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * The pod spec fields a pod template may add. Anything the operator sets itself (ServiceAccount,
 * restart policy, security context, the main container's image, command, ports and resources) is
 * not here, so it cannot be set twice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplatePodSpec {

  @Size(max = 16)
  @JsonPropertyDescription(
      "Secrets holding registry credentials for pulling the images (a private registry).")
  private List<LocalObjectReference> imagePullSecrets;

  @Size(max = 32)
  @JsonPropertyDescription("Node labels the pods must be scheduled on.")
  private Map<String, String> nodeSelector;

  @Size(max = 32)
  @JsonPropertyDescription("Taints the pods tolerate.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Node and pod affinity and anti-affinity of the pods.")
  private Affinity affinity;

  @Size(max = 253)
  @JsonPropertyDescription("The pods' PriorityClass.")
  private String priorityClassName;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Extra volumes (a truststore, a keytab): secret, configMap, emptyDir or"
          + " persistentVolumeClaim. Names starting with spark- or pipeline- are the operator's and"
          + " Spark's.")
  @ValidationRule(
      value = "self.all(v, !v.name.startsWith('spark-') && !v.name.startsWith('pipeline-'))",
      message = "volume names starting with spark- or pipeline- are the operator's and Spark's")
  private List<TemplateVolume> volumes;

  @Size(max = 8)
  @JsonPropertyDescription("Init containers, run before the main container.")
  @ValidationRule(
      value = "self.all(c, !c.name.startsWith('spark-kubernetes-'))",
      message = "init container names starting with spark-kubernetes- are Spark's")
  private List<TemplateContainer> initContainers;

  @Size(max = 8)
  @JsonPropertyDescription(
      "Containers: sidecars, and, named as the main container (spark-kubernetes-driver in the"
          + " driver's template, spark-kubernetes-executor in the executors'), extra env, envFrom"
          + " and volumeMounts for it; the rest of the main container is the operator's.")
  @ValidationRule(
      value =
          "self.all(c, !(c.name in ['spark-kubernetes-driver', 'spark-kubernetes-executor'])"
              + " || (!has(c.image) && !has(c.imagePullPolicy) && !has(c.command)"
              + " && !has(c.args) && !has(c.ports) && !has(c.resources)"
              + " && !has(c.securityContext) && !has(c.workingDir) && !has(c.restartPolicy)))",
      message =
          "the main container (spark-kubernetes-driver or spark-kubernetes-executor) takes only"
              + " env, envFrom and volumeMounts from a template; the operator sets the rest")
  @ValidationRule(
      value =
          "self.all(c, c.name in ['spark-kubernetes-driver', 'spark-kubernetes-executor']"
              + " || has(c.image))",
      message = "a sidecar container needs an image")
  private List<TemplateContainer> containers;

  public List<LocalObjectReference> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<LocalObjectReference> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public List<TemplateVolume> getVolumes() {
    return volumes;
  }

  public void setVolumes(List<TemplateVolume> volumes) {
    this.volumes = volumes;
  }

  public List<TemplateContainer> getInitContainers() {
    return initContainers;
  }

  public void setInitContainers(List<TemplateContainer> initContainers) {
    this.initContainers = initContainers;
  }

  public List<TemplateContainer> getContainers() {
    return containers;
  }

  public void setContainers(List<TemplateContainer> containers) {
    this.containers = containers;
  }
}
