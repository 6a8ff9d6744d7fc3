package dev.insight.streaming.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the generated CRD must carry beyond validity: descriptions, bounded lists, columns, and its
 * reference.
 */
class CrdSchemaTest {

  private static final JsonNode CRD_DOCUMENT =
      CrdFiles.readYaml(CrdFiles.generatedCrdFile()).get(0);

  /** Every field path below spec and status, e.g. spec.kafka.topics[].name, with its schema. */
  static Map<String, JsonNode> fieldPaths() {
    Map<String, JsonNode> paths = new java.util.LinkedHashMap<>();
    collect(CrdFiles.openApiSchema().path("properties").path("spec"), "spec", paths);
    collect(CrdFiles.openApiSchema().path("properties").path("status"), "status", paths);
    return paths;
  }

  /**
   * Pod template fields typed with Kubernetes' own API types: described and bounded here, their
   * insides are the Pod API's (kubectl explain pod.spec shows them), and no CEL rule reads them.
   */
  static final java.util.regex.Pattern KUBERNETES_TYPES =
      java.util.regex.Pattern.compile(
          ".*\\.podTemplate\\.spec\\.(imagePullSecrets|tolerations|affinity"
              + "|volumes\\[]\\.(secret|configMap|emptyDir|persistentVolumeClaim)"
              + "|(initContainers|containers)\\[]\\."
              + "(env|envFrom|ports|resources|volumeMounts|securityContext))");

  private static void collect(JsonNode schema, String path, Map<String, JsonNode> paths) {
    paths.put(path, schema);
    if (KUBERNETES_TYPES.matcher(path).matches()) {
      return;
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(f -> collect(f.getValue(), path + "." + f.getKey(), paths));
    if (schema.has("items")) {
      schema
          .get("items")
          .path("properties")
          .fields()
          .forEachRemaining(f -> collect(f.getValue(), path + "[]." + f.getKey(), paths));
    }
  }

  @Test
  void everySpecAndStatusFieldHasADescription() {
    List<String> undescribed = new ArrayList<>();
    fieldPaths()
        .forEach(
            (path, schema) -> {
              if (path.contains(".") && schema.path("description").asText().isBlank()) {
                undescribed.add(path);
              }
            });
    assertThat(undescribed).isEmpty();
  }

  @Test
  void everySpecListIsBoundedSoCelCostStaysLow() {
    List<String> unbounded = new ArrayList<>();
    fieldPaths()
        .forEach(
            (path, schema) -> {
              if (path.startsWith("spec")
                  && "array".equals(schema.path("type").asText())
                  && !schema.has("maxItems")) {
                unbounded.add(path);
              }
              if (path.startsWith("spec")
                  && "object".equals(schema.path("type").asText())
                  && schema.has("additionalProperties")
                  && !schema.has("maxProperties")) {
                unbounded.add(path);
              }
            });
    assertThat(unbounded).isEmpty();
  }

  @Test
  void everyCelRuleHasAMessageAndCompiles() {
    List<JsonNode> rules = new ArrayList<>();
    fieldPaths().values().forEach(s -> s.path("x-kubernetes-validations").forEach(rules::add));
    CrdFiles.openApiSchema()
        .path("properties")
        .path("spec")
        .path("x-kubernetes-validations")
        .forEach(rules::add);
    assertThat(rules).hasSizeGreaterThanOrEqualTo(15);
    // a messageExpression's rule keeps a plain message, which the API server falls back to
    assertThat(rules).allSatisfy(rule -> assertThat(rule.path("message").asText()).isNotBlank());
    // validating the biggest example evaluates every rule on an object that has its field
    assertThat(
            ApiServerValidation.validate(
                CrdFiles.readYaml(Path.of("../examples/full-pipeline.yaml")).get(3)))
        .isEmpty();
  }

  @Test
  void printerColumnsAndNamesAreWhatKubectlUsers() {
    JsonNode version = CRD_DOCUMENT.at("/spec/versions/0");
    List<String> columns = new ArrayList<>();
    version
        .path("additionalPrinterColumns")
        .forEach(c -> columns.add(c.get("name").asText() + "=" + c.get("jsonPath").asText()));
    assertThat(columns)
        .containsExactlyInAnyOrder(
            "Phase=.status.phase",
            "Ready=.status.conditions[?(@.type==\"Ready\")].status",
            "Lag=.status.lag.total",
            "Behind=.status.lag.secondsBehind",
            "Driver=.status.driver.phase",
            "Age=.metadata.creationTimestamp");
    assertThat(version.path("name").asText()).isEqualTo("v1alpha1");
    assertThat(version.at("/subresources/status").isObject()).isTrue();
    assertThat(CRD_DOCUMENT.at("/spec/names/shortNames/0").asText()).isEqualTo("sp");
    assertThat(CRD_DOCUMENT.at("/spec/scope").asText()).isEqualTo("Namespaced");
  }

  @Test
  void theReadmeReferenceNamesEveryField() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    int start = readme.indexOf("## Resource reference");
    int end = readme.indexOf("\n## ", start + 1);
    assertThat(start).as("README has a '## Resource reference' section").isNotNegative();
    String reference = readme.substring(start, end < 0 ? readme.length() : end);

    List<String> missing =
        fieldPaths().keySet().stream()
            .filter(p -> p.contains("."))
            // the executors' template is the driver's shape, and init containers are containers
            .map(
                p ->
                    p.replace("spec.job.executor.podTemplate", "spec.job.driver.podTemplate")
                        .replace(".initContainers[].", ".containers[]."))
            .distinct()
            .filter(p -> !reference.contains("`" + p + "`"))
            .toList();
    assertThat(missing).as("field paths missing from README's Resource reference").isEmpty();
  }
}
