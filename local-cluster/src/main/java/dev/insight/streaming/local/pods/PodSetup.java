package dev.insight.streaming.local.pods;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a kubelet does before a container starts: puts ConfigMap and Secret volumes on disk and
 * resolves the container's environment, Secret values included. Anything missing is a {@link
 * ContainerConfigException}, which the node agent reports as the container's waiting reason, as a
 * kubelet does.
 */
final class PodSetup {

  /** The pod's IP and host IP here: every pod runs on this machine. */
  static final String POD_IP = "127.0.0.1";

  /** A volume or variable the container needs is not there (yet); the kubelet keeps retrying. */
  static final class ContainerConfigException extends RuntimeException {
    ContainerConfigException(String message) {
      super(message);
    }
  }

  private final KubernetesClient client;

  PodSetup(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Writes the container's volumes under {@code dir}; returns mount path -> local folder (or file,
   * for subPath).
   */
  Map<String, Path> mountVolumes(Pod pod, Container container, Path dir) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume =
          pod.getSpec().getVolumes().stream()
              .filter(v -> v.getName().equals(mount.getName()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ContainerConfigException(
                          "volume " + mount.getName() + " is mounted but not declared"));
      Map<String, byte[]> files;
      if (volume.getConfigMap() != null) {
        String name = volume.getConfigMap().getName();
        ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
        if (cm == null) {
          if (Boolean.TRUE.equals(volume.getConfigMap().getOptional())) {
            files = Map.of();
          } else {
            throw new ContainerConfigException("configmap \"" + name + "\" not found");
          }
        } else {
          files = new TreeMap<>();
          if (cm.getData() != null) {
            for (Map.Entry<String, String> e : cm.getData().entrySet()) {
              files.put(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
            }
          }
          if (cm.getBinaryData() != null) {
            for (Map.Entry<String, String> e : cm.getBinaryData().entrySet()) {
              files.put(e.getKey(), Base64.getDecoder().decode(e.getValue()));
            }
          }
        }
      } else if (volume.getSecret() != null) {
        files = new TreeMap<>(secretData(namespace, volume.getSecret().getSecretName()));
      } else if (volume.getEmptyDir() != null) {
        files = Map.of();
      } else if (volume.getProjected() != null) {
        files = projected(pod, volume);
      } else {
        throw new ContainerConfigException(
            "volume "
                + volume.getName()
                + ": only configMap, secret, projected and"
                + " emptyDir volumes are supported by the local node agent");
      }
      Path folder = dir.resolve(volume.getName());
      write(folder, files);
      mounts.put(
          trimSlash(mount.getMountPath()),
          mount.getSubPath() == null || mount.getSubPath().isEmpty()
              ? folder
              : folder.resolve(mount.getSubPath()));
    }
    return mounts;
  }

  /**
   * A projected volume's files: a ServiceAccount token bound to the pod (asked of the API server as
   * a kubelet asks, so it dies with the pod), ConfigMap and Secret keys, and downward-API fields.
   * The API server's ServiceAccount admission adds one of these to every pod that mounts its
   * account's token: token, ca.crt and namespace.
   */
  private Map<String, byte[]> projected(Pod pod, Volume volume) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, byte[]> files = new TreeMap<>();
    for (VolumeProjection source : volume.getProjected().getSources()) {
      if (source.getServiceAccountToken() != null) {
        ServiceAccountTokenProjection token = source.getServiceAccountToken();
        TokenRequest request =
            new TokenRequestBuilder()
                .withNewSpec()
                .withAudiences(
                    token.getAudience() == null ? List.of() : List.of(token.getAudience()))
                .withExpirationSeconds(
                    token.getExpirationSeconds() == null ? 3607L : token.getExpirationSeconds())
                .withNewBoundObjectRef()
                .withApiVersion("v1")
                .withKind("Pod")
                .withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .endBoundObjectRef()
                .endSpec()
                .build();
        TokenRequest answer =
            client
                .serviceAccounts()
                .inNamespace(namespace)
                .withName(pod.getSpec().getServiceAccountName())
                .tokenRequest(request);
        files.put(token.getPath(), answer.getStatus().getToken().getBytes(StandardCharsets.UTF_8));
      } else if (source.getConfigMap() != null) {
        ConfigMapProjection projection = source.getConfigMap();
        ConfigMap cm =
            client.configMaps().inNamespace(namespace).withName(projection.getName()).get();
        if (cm == null) {
          if (!Boolean.TRUE.equals(projection.getOptional())) {
            throw new ContainerConfigException(
                "configmap \"" + projection.getName() + "\" not found");
          }
          continue;
        }
        Map<String, String> data = cm.getData() == null ? Map.of() : cm.getData();
        select(
            files,
            projection.getItems(),
            data,
            "configmap " + projection.getName(),
            projection.getOptional());
      } else if (source.getSecret() != null) {
        SecretProjection projection = source.getSecret();
        Map<String, String> data = new TreeMap<>();
        secretData(namespace, projection.getName())
            .forEach((k, v) -> data.put(k, new String(v, StandardCharsets.UTF_8)));
        select(
            files,
            projection.getItems(),
            data,
            "secret " + projection.getName(),
            projection.getOptional());
      } else if (source.getDownwardAPI() != null) {
        for (DownwardAPIVolumeFile file : source.getDownwardAPI().getItems()) {
          if (file.getFieldRef() == null) {
            throw new ContainerConfigException(
                "volume "
                    + volume.getName()
                    + ": only fieldRef downward API files"
                    + " are supported by the local node agent");
          }
          files.put(
              file.getPath(),
              field(pod, file.getFieldRef().getFieldPath(), "file " + file.getPath())
                  .getBytes(StandardCharsets.UTF_8));
        }
      } else {
        throw new ContainerConfigException(
            "volume "
                + volume.getName()
                + ": a projection the local node agent"
                + " does not support (only serviceAccountToken, configMap, secret and downwardAPI)");
      }
    }
    return files;
  }

  private static void select(
      Map<String, byte[]> files,
      List<KeyToPath> items,
      Map<String, String> data,
      String source,
      Boolean optional) {
    if (items == null || items.isEmpty()) {
      data.forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
      return;
    }
    for (KeyToPath item : items) {
      String value = data.get(item.getKey());
      if (value == null) {
        if (Boolean.TRUE.equals(optional)) {
          continue;
        }
        throw new ContainerConfigException("couldn't find key " + item.getKey() + " in " + source);
      }
      files.put(item.getPath(), value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Maps an absolute path inside the container to the local file its volume mount put there. */
  /** Whether {@code path} inside the pod lies in one of its volumes. */
  static boolean isMounted(Map<String, Path> mounts, String path) {
    if (!path.startsWith("/")) {
      return false;
    }
    String wanted = trimSlash(path);
    return mounts.keySet().stream().anyMatch(m -> wanted.equals(m) || wanted.startsWith(m + "/"));
  }

  static Path inPodPath(Map<String, Path> mounts, String path) {
    String wanted = trimSlash(path);
    String best = null;
    for (String mountPath : mounts.keySet()) {
      if ((wanted.equals(mountPath) || wanted.startsWith(mountPath + "/"))
          && (best == null || mountPath.length() > best.length())) {
        best = mountPath;
      }
    }
    if (best == null) {
      throw new ContainerConfigException("path " + path + " is in no volume the container mounts");
    }
    String rest = wanted.substring(best.length());
    return rest.isEmpty() ? mounts.get(best) : mounts.get(best).resolve(rest.substring(1));
  }

  /** The container's environment, resolved; values of Secrets included, so never log the values. */
  Map<String, String> environment(Pod pod, Container container) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : container.getEnvFrom()) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      if (from.getConfigMapRef() != null) {
        ConfigMap cm =
            client
                .configMaps()
                .inNamespace(namespace)
                .withName(from.getConfigMapRef().getName())
                .get();
        if (cm == null) {
          throw new ContainerConfigException(
              "configmap \"" + from.getConfigMapRef().getName() + "\" not found");
        }
        if (cm.getData() != null) {
          cm.getData().forEach((k, v) -> env.put(prefix + k, v));
        }
      }
      if (from.getSecretRef() != null) {
        secretData(namespace, from.getSecretRef().getName())
            .forEach((k, v) -> env.put(prefix + k, new String(v, StandardCharsets.UTF_8)));
      }
    }
    for (EnvVar var : container.getEnv()) {
      env.put(
          var.getName(),
          var.getValueFrom() == null
              ? expand(var.getValue(), env)
              : valueFrom(pod, namespace, var.getName(), var.getValueFrom()));
    }
    return env;
  }

  private String valueFrom(Pod pod, String namespace, String variable, EnvVarSource source) {
    if (source.getSecretKeyRef() != null) {
      var ref = source.getSecretKeyRef();
      byte[] value = secretData(namespace, ref.getName()).get(ref.getKey());
      if (value == null) {
        throw new ContainerConfigException(
            "couldn't find key "
                + ref.getKey()
                + " in Secret "
                + namespace
                + "/"
                + ref.getName()
                + " (variable "
                + variable
                + ")");
      }
      return new String(value, StandardCharsets.UTF_8);
    }
    if (source.getConfigMapKeyRef() != null) {
      var ref = source.getConfigMapKeyRef();
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
      String value = cm == null || cm.getData() == null ? null : cm.getData().get(ref.getKey());
      if (value == null) {
        throw new ContainerConfigException(
            "couldn't find key "
                + ref.getKey()
                + " in ConfigMap "
                + namespace
                + "/"
                + ref.getName()
                + " (variable "
                + variable
                + ")");
      }
      return value;
    }
    if (source.getFieldRef() != null) {
      return field(pod, source.getFieldRef().getFieldPath(), "variable " + variable);
    }
    throw new ContainerConfigException(
        "variable "
            + variable
            + ": only secretKeyRef, configMapKeyRef and fieldRef"
            + " are supported by the local node agent");
  }

  /** A downward-API field of the pod. */
  private static String field(Pod pod, String path, String usedBy) {
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "status.podIP", "status.hostIP" -> POD_IP;
      case "spec.nodeName" -> PodRunner.NODE_NAME;
      case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
      default ->
          throw new ContainerConfigException(
              usedBy + ": fieldRef " + path + " is not supported by the local node agent");
    };
  }

  private Map<String, byte[]> secretData(String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new ContainerConfigException("secret \"" + name + "\" not found");
    }
    Map<String, byte[]> data = new TreeMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
    }
    return data;
  }

  /** Kubernetes' $(VAR) expansion of values that refer to earlier variables. */
  private static String expand(String value, Map<String, String> earlier) {
    if (value == null || !value.contains("$(")) {
      return value == null ? "" : value;
    }
    String result = value;
    for (Map.Entry<String, String> e : earlier.entrySet()) {
      result = result.replace("$(" + e.getKey() + ")", e.getValue());
    }
    return result;
  }

  private static void write(Path folder, Map<String, byte[]> files) {
    try {
      Files.createDirectories(folder);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Files.write(folder.resolve(file.getKey()), file.getValue());
      }
    } catch (IOException e) {
      throw new ContainerConfigException(
          "cannot write volume files to " + folder + ": " + e.getMessage());
    }
  }

  private static String trimSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
