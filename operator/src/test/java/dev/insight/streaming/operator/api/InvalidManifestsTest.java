package dev.insight.streaming.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of invalid manifests: the real API server (schema, strict field validation, CEL rules,
 * transition rules against the stored object) rejects each for its stated reason, and accepts the
 * base it is patched from.
 */
class InvalidManifestsTest {

  private static final Path CORPUS = Path.of("src/test/resources/api");

  static JsonNode base() {
    return CrdFiles.readYaml(CORPUS.resolve("base-pipeline.yaml")).get(0);
  }

  static Stream<Arguments> cases() {
    JsonNode corpus = CrdFiles.readYaml(CORPUS.resolve("invalid-manifests.yaml")).get(0);
    Stream.Builder<Arguments> cases = Stream.builder();
    corpus.forEach(c -> cases.add(Arguments.of(c.get("name").asText(), c)));
    return cases.build();
  }

  @Test
  void corpusIsLargeAndBaseIsValid() {
    assertThat(cases().count()).isGreaterThanOrEqualTo(30);
    assertThat(ApiServerValidation.validate(base())).isEmpty();
    assertThat(ApiServerValidation.validateUpdate(base(), base())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRejectedForItsStatedReason(String name, JsonNode testCase) {
    JsonNode manifest = mergePatch(base(), testCase.get("patch"));
    List<String> problems =
        testCase.has("before")
            ? ApiServerValidation.validateUpdate(
                mergePatch(base(), testCase.get("before")), manifest)
            : ApiServerValidation.validate(manifest);

    assertThat(problems)
        .as("problems for '%s'", name)
        .anySatisfy(p -> assertThat(p).contains(testCase.get("expect").asText()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badDurations")
  void aDurationThePatternRefusesIsReportedByThePatternAlone(String field, String patch) {
    JsonNode manifest = mergePatch(base(), CrdFiles.readYamlText(patch));

    List<String> problems = ApiServerValidation.validate(manifest);

    assertThat(problems).anySatisfy(p -> assertThat(p).contains(field + " in body should match"));
    assertThat(problems).noneSatisfy(p -> assertThat(p).contains("type conversion error"));
  }

  static Stream<Arguments> badDurations() {
    return Stream.of(
        Arguments.of("spec.job.batchInterval", "{spec: {job: {batchInterval: '5'}}}"),
        Arguments.of("spec.lag.window", "{spec: {lag: {window: '5'}}}"),
        Arguments.of("spec.lag.interval", "{spec: {lag: {interval: 'often'}}}"),
        Arguments.of(
            "spec.job.restartPolicy.backoff.initialDelay",
            "{spec: {job: {restartPolicy: {backoff: {initialDelay: '10', maxDelay: 1m}}}}}"));
  }

  /** RFC 7386 JSON merge patch: objects merge, null removes, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target.isObject() ? (ObjectNode) target.deepCopy() : JsonNodeFactory.instance.objectNode();
    patch
        .fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isNull()) {
                result.remove(f.getKey());
              } else {
                result.set(f.getKey(), mergePatch(result.path(f.getKey()), f.getValue()));
              }
            });
    return result;
  }
}
