package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;

/** A pod volume of the kinds a pipeline's pods need: files from the cluster, or scratch space. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "[has(self.secret), has(self.configMap), has(self.emptyDir),"
            + " has(self.persistentVolumeClaim)].filter(x, x).size() == 1",
    message = "a volume needs exactly one of secret, configMap, emptyDir, persistentVolumeClaim")
public class TemplateVolume {

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Volume name, referred to by volumeMounts.")
  private String name;

  @JsonPropertyDescription("Files from a Secret.")
  private SecretVolumeSource secret;

  @JsonPropertyDescription("Files from a ConfigMap.")
  private ConfigMapVolumeSource configMap;

  @JsonPropertyDescription("Scratch space that lives as long as the pod.")
  private EmptyDirVolumeSource emptyDir;

  @JsonPropertyDescription("A PersistentVolumeClaim.")
  private PersistentVolumeClaimVolumeSource persistentVolumeClaim;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public SecretVolumeSource getSecret() {
    return secret;
  }

  public void setSecret(SecretVolumeSource secret) {
    this.secret = secret;
  }

  public ConfigMapVolumeSource getConfigMap() {
    return configMap;
  }

  public void setConfigMap(ConfigMapVolumeSource configMap) {
    this.configMap = configMap;
  }

  public EmptyDirVolumeSource getEmptyDir() {
    return emptyDir;
  }

  public void setEmptyDir(EmptyDirVolumeSource emptyDir) {
    this.emptyDir = emptyDir;
  }

  public PersistentVolumeClaimVolumeSource getPersistentVolumeClaim() {
    return persistentVolumeClaim;
  }

  public void setPersistentVolumeClaim(PersistentVolumeClaimVolumeSource persistentVolumeClaim) {
    this.persistentVolumeClaim = persistentVolumeClaim;
  }
}
