package dev.insight.streaming.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest in examples/ is accepted by the real API server (created and updated to itself)
 * and reads into the Java model.
 */
class ExamplesTest {

  private static final Path EXAMPLES = Path.of("../examples");

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  static List<JsonNode> pipelines(Path file) {
    return CrdFiles.readYaml(file).stream()
        .filter(d -> StreamingPipeline.KIND.equals(d.path("kind").asText()))
        .toList();
  }

  @Test
  void theExpectedExamplesExist() throws IOException {
    assertThat(examples().map(p -> p.getFileName().toString()))
        .contains("minimal-pipeline.yaml", "full-pipeline.yaml", "demo-pipeline.yaml");
  }

  @ParameterizedTest
  @MethodSource("examples")
  void isAcceptedAsCreatedAndAsUpdatedToItself(Path file) {
    List<JsonNode> pipelines = pipelines(file);
    assertThat(pipelines).as(file + " holds a StreamingPipeline").isNotEmpty();
    for (JsonNode pipeline : pipelines) {
      assertThat(pipeline.path("apiVersion").asText())
          .isEqualTo(StreamingPipeline.GROUP + "/" + StreamingPipeline.VERSION);
      assertThat(ApiServerValidation.validate(pipeline)).as(file.toString()).isEmpty();
      assertThat(ApiServerValidation.validateUpdate(pipeline, pipeline))
          .as(file.toString())
          .isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void secretsItNamesAreInTheSameFile(Path file) {
    List<String> secrets =
        CrdFiles.readYaml(file).stream()
            .filter(d -> "Secret".equals(d.path("kind").asText()))
            .map(d -> d.at("/metadata/name").asText())
            .toList();
    for (JsonNode pipeline : pipelines(file)) {
      pipeline
          .findValues("uriSecret")
          .forEach(s -> assertThat(secrets).contains(s.get("name").asText()));
      pipeline
          .findValues("credentialsSecret")
          .forEach(s -> assertThat(secrets).contains(s.get("name").asText()));
      pipeline
          .findValues("clientSecret")
          .forEach(s -> assertThat(secrets).contains(s.get("name").asText()));
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void readsIntoTheModelAndWritesBackWithoutLosingFields(Path file) {
    for (JsonNode pipeline : pipelines(file)) {
      StreamingPipeline model =
          Serialization.unmarshal(pipeline.toString(), StreamingPipeline.class);
      JsonNode written = Serialization.jsonMapper().valueToTree(model);
      // written carries the model's defaults too, so compare what the example says, field by field
      assertThat(containsAll(written.get("spec"), pipeline.get("spec")))
          .as(file.toString())
          .isTrue();
    }
  }

  @Test
  void raisingPartitionsIsAValidUpdate() {
    JsonNode old = pipelines(EXAMPLES.resolve("minimal-pipeline.yaml")).get(0);
    JsonNode raised = old.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) raised.at("/spec/kafka/topics/0"))
        .put("partitions", 6);
    assertThat(ApiServerValidation.validateUpdate(old, raised)).isEmpty();
  }

  private static boolean containsAll(JsonNode actual, JsonNode expected) {
    if (expected.isObject()) {
      var fields = expected.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        if (actual == null || !containsAll(actual.get(f.getKey()), f.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (expected.isArray()) {
      if (actual == null || actual.size() != expected.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!containsAll(actual.get(i), expected.get(i))) {
          return false;
        }
      }
      return true;
    }
    return actual != null && actual.asText().equals(expected.asText());
  }
}
