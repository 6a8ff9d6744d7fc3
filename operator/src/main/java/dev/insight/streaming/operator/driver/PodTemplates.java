package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.spec.PodTemplateMetadata;
import dev.insight.streaming.operator.api.spec.PodTemplatePodSpec;
import dev.insight.streaming.operator.api.spec.PodTemplateSpec;
import dev.insight.streaming.operator.api.spec.TemplateContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A user's pod template merged under the pod the operator builds. The operator's pod wins: its
 * labels and annotations keep their values, its volumes, variables and containers keep their names,
 * and everything it sets (ServiceAccount, restart policy, security context, the main container's
 * image, command, ports and resources) is not in the template's schema at all. The template adds:
 * labels, annotations, image pull secrets, node selector, tolerations, affinity, priority class,
 * volumes, init containers, sidecars, and the main container's extra variables, envFrom and volume
 * mounts.
 */
public final class PodTemplates {

  private PodTemplates() {}

  /**
   * {@code pod} with {@code template} merged under it; {@code mainContainer} names the container
   * the template's same-named entry adds to. A null template leaves the pod as it is.
   */
  public static Pod merge(Pod pod, PodTemplateSpec template, String mainContainer) {
    if (template == null) {
      return pod;
    }
    Pod merged = new PodBuilder(pod).build();
    PodTemplateMetadata metadata = template.getMetadata();
    if (metadata != null) {
      merged.getMetadata().setLabels(under(metadata.getLabels(), pod.getMetadata().getLabels()));
      merged
          .getMetadata()
          .setAnnotations(under(metadata.getAnnotations(), pod.getMetadata().getAnnotations()));
    }
    PodTemplatePodSpec spec = template.getSpec();
    if (spec == null) {
      return merged;
    }
    var podSpec = merged.getSpec();
    if (spec.getImagePullSecrets() != null) {
      podSpec.setImagePullSecrets(new ArrayList<>(spec.getImagePullSecrets()));
    }
    if (spec.getNodeSelector() != null) {
      podSpec.setNodeSelector(under(spec.getNodeSelector(), podSpec.getNodeSelector()));
    }
    if (spec.getTolerations() != null) {
      podSpec.setTolerations(new ArrayList<>(spec.getTolerations()));
    }
    if (spec.getAffinity() != null) {
      podSpec.setAffinity(spec.getAffinity());
    }
    if (spec.getPriorityClassName() != null) {
      podSpec.setPriorityClassName(spec.getPriorityClassName());
    }
    if (spec.getVolumes() != null) {
      Set<String> own = names(podSpec.getVolumes(), Volume::getName);
      List<Volume> volumes = new ArrayList<>(podSpec.getVolumes());
      spec.getVolumes().stream()
          .map(v -> Serialization.jsonMapper().convertValue(v, Volume.class))
          .filter(v -> !own.contains(v.getName()))
          .forEach(volumes::add);
      podSpec.setVolumes(volumes);
    }
    if (spec.getInitContainers() != null) {
      podSpec.setInitContainers(
          spec.getInitContainers().stream().map(PodTemplates::container).toList());
    }
    if (spec.getContainers() != null) {
      List<Container> containers = new ArrayList<>();
      for (Container own : podSpec.getContainers()) {
        containers.add(
            own.getName().equals(mainContainer)
                ? addTo(own, entry(spec.getContainers(), mainContainer))
                : own);
      }
      Set<String> taken = names(containers, Container::getName);
      spec.getContainers().stream()
          .filter(c -> !c.getName().equals(mainContainer) && !taken.contains(c.getName()))
          .filter(c -> !c.getName().startsWith("spark-kubernetes-"))
          .map(PodTemplates::container)
          .forEach(containers::add);
      podSpec.setContainers(containers);
    }
    return merged;
  }

  /** The main container with the template's variables, envFrom and mounts after its own. */
  private static Container addTo(Container own, TemplateContainer extra) {
    if (extra == null) {
      return own;
    }
    if (extra.getEnv() != null) {
      Set<String> taken = names(own.getEnv(), EnvVar::getName);
      List<EnvVar> env = new ArrayList<>(own.getEnv());
      extra.getEnv().stream().filter(e -> !taken.contains(e.getName())).forEach(env::add);
      own.setEnv(env);
    }
    if (extra.getEnvFrom() != null) {
      List<EnvFromSource> envFrom = new ArrayList<>(own.getEnvFrom());
      envFrom.addAll(extra.getEnvFrom());
      own.setEnvFrom(envFrom);
    }
    if (extra.getVolumeMounts() != null) {
      Set<String> paths =
          own.getVolumeMounts().stream().map(VolumeMount::getMountPath).collect(Collectors.toSet());
      List<VolumeMount> mounts = new ArrayList<>(own.getVolumeMounts());
      extra.getVolumeMounts().stream()
          .filter(m -> !paths.contains(m.getMountPath()))
          .forEach(mounts::add);
      own.setVolumeMounts(mounts);
    }
    return own;
  }

  private static TemplateContainer entry(List<TemplateContainer> containers, String name) {
    return containers.stream().filter(c -> c.getName().equals(name)).findFirst().orElse(null);
  }

  private static Container container(TemplateContainer template) {
    return Serialization.jsonMapper().convertValue(template, Container.class);
  }

  /** {@code extra}'s entries, then {@code own}'s over them. */
  private static Map<String, String> under(Map<String, String> extra, Map<String, String> own) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (extra != null) {
      merged.putAll(extra);
    }
    if (own != null) {
      merged.putAll(own);
    }
    return merged;
  }

  private static <T> Set<String> names(List<T> items, Function<T, String> name) {
    return items == null ? Set.of() : items.stream().map(name).collect(Collectors.toSet());
  }
}
