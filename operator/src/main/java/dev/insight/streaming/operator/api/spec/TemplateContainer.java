package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/**
 * A container of a pod template: a sidecar or init container, or additions to the main container
 * (then named as it, with env, envFrom and volumeMounts only). Probes and lifecycle hooks are left
 * out to keep the CRD small.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TemplateContainer {

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Container name.")
  private String name;

  @Size(max = 512)
  @JsonPropertyDescription("Image of a sidecar or init container.")
  private String image;

  @JsonPropertyDescription("Always, IfNotPresent or Never.")
  private String imagePullPolicy;

  @Size(max = 64)
  @JsonPropertyDescription("Entrypoint array.")
  private List<String> command;

  @Size(max = 128)
  @JsonPropertyDescription("Arguments to the entrypoint.")
  private List<String> args;

  @Size(max = 512)
  @JsonPropertyDescription("Working directory.")
  private String workingDir;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Environment variables; in the main container, added after the operator's (whose names"
          + " win).")
  private List<EnvVar> env;

  @Size(max = 16)
  @JsonPropertyDescription("Variables from ConfigMaps or Secrets, all keys at once.")
  private List<EnvFromSource> envFrom;

  @Size(max = 16)
  @JsonPropertyDescription("Ports of a sidecar.")
  private List<ContainerPort> ports;

  @JsonPropertyDescription("Resources of a sidecar or init container.")
  private ResourceRequirements resources;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Where the template's volumes appear; the operator's mount paths are refused.")
  private List<VolumeMount> volumeMounts;

  @JsonPropertyDescription("Security context of a sidecar or init container.")
  private SecurityContext securityContext;

  @JsonPropertyDescription("Always makes an init container a native sidecar.")
  private String restartPolicy;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getImagePullPolicy() {
    return imagePullPolicy;
  }

  public void setImagePullPolicy(String imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  public List<String> getCommand() {
    return command;
  }

  public void setCommand(List<String> command) {
    this.command = command;
  }

  public List<String> getArgs() {
    return args;
  }

  public void setArgs(List<String> args) {
    this.args = args;
  }

  public String getWorkingDir() {
    return workingDir;
  }

  public void setWorkingDir(String workingDir) {
    this.workingDir = workingDir;
  }

  public List<EnvVar> getEnv() {
    return env;
  }

  public void setEnv(List<EnvVar> env) {
    this.env = env;
  }

  public List<EnvFromSource> getEnvFrom() {
    return envFrom;
  }

  public void setEnvFrom(List<EnvFromSource> envFrom) {
    this.envFrom = envFrom;
  }

  public List<ContainerPort> getPorts() {
    return ports;
  }

  public void setPorts(List<ContainerPort> ports) {
    this.ports = ports;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public List<VolumeMount> getVolumeMounts() {
    return volumeMounts;
  }

  public void setVolumeMounts(List<VolumeMount> volumeMounts) {
    this.volumeMounts = volumeMounts;
  }

  public SecurityContext getSecurityContext() {
    return securityContext;
  }

  public void setSecurityContext(SecurityContext securityContext) {
    this.securityContext = securityContext;
  }

  public String getRestartPolicy() {
    return restartPolicy;
  }

  public void setRestartPolicy(String restartPolicy) {
    this.restartPolicy = restartPolicy;
  }
}
