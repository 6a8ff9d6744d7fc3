package dev.insight.streaming.operator.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator's Helm chart as the tests see it: linted and rendered by the native Helm library.
 */
final class OperatorChart {

  /** Where the chart lives; surefire runs in the operator module's folder. */
  static final Path DIR =
      Path.of("..", "helm", "streaming-pipeline-operator").toAbsolutePath().normalize();

  static final String RELEASE = "spo";
  static final String RELEASE_NAMESPACE = "pipelines-system";

  /**
   * helm-java renders for Kubernetes 1.20 unless told otherwise, below the chart's kubeVersion
   * floor.
   */
  static final String KUBE_VERSION = "1.32.0";

  private OperatorChart() {}

  static LintResult lintStrict() {
    return new Helm(DIR).lint().strict().call();
  }

  /**
   * The rendered manifest text for these values, given as a values file (lists and nesting survive
   * intact).
   */
  static String template(Map<String, Object> values) {
    TemplateCommand template =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(RELEASE_NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (!values.isEmpty()) {
      template = template.withValuesFile(valuesFile(values));
    }
    return template.call();
  }

  /**
   * Every rendered document, parsed into the fabric8 class registered for its apiVersion and kind.
   */
  static List<HasMetadata> render(Map<String, Object> values) {
    List<HasMetadata> resources = new ArrayList<>();
    for (String document : documents(template(values))) {
      KubernetesResource parsed = Serialization.unmarshal(document, KubernetesResource.class);
      if (!(parsed instanceof HasMetadata resource)) {
        throw new AssertionError("not a Kubernetes object: " + document);
      }
      resources.add(resource);
    }
    return resources;
  }

  /** The YAML documents in a multi-document stream, leaving out ones holding only comments. */
  static List<String> documents(String stream) {
    List<String> documents = new ArrayList<>();
    for (String document : stream.split("(?m)^---\\s*$")) {
      boolean hasContent =
          document
              .lines()
              .map(String::strip)
              .anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
      if (hasContent) {
        documents.add(document);
      }
    }
    return documents;
  }

  static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> resources, Class<T> kind) {
    return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /**
   * Kubernetes' own ClusterRole for token and access reviews, which the web view's binding names.
   */
  static final String REVIEWS_ROLE = "system:auth-delegator";

  /**
   * The ClusterRoleBindings that grant the operator rights over resources: all but the web view's
   * binding to {@value #REVIEWS_ROLE}, which lets it ask the API server about viewers and nothing
   * else.
   */
  static List<io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding> resourceBindings(
      List<HasMetadata> resources) {
    return ofKind(resources, io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class).stream()
        .filter(binding -> !REVIEWS_ROLE.equals(binding.getRoleRef().getName()))
        .toList();
  }

  /** The ClusterRoles other than the viewers' one, which the operator is never bound to. */
  static List<io.fabric8.kubernetes.api.model.rbac.ClusterRole> operatorClusterRoles(
      List<HasMetadata> resources) {
    return ofKind(resources, io.fabric8.kubernetes.api.model.rbac.ClusterRole.class).stream()
        .filter(role -> !role.getMetadata().getName().endsWith("-results-viewer"))
        .toList();
  }

  /** A temporary values file holding {@code values}. */
  static Path valuesFile(Map<String, Object> values) {
    try {
      Path file = Files.createTempFile("values-", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, Serialization.asYaml(values));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
