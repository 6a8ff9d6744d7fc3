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

/** The corpus of invalid manifests: each is rejected by the schema or a CEL rule, for its stated reason. */
class InvalidManifestsTest {

    private static final Path CORPUS = Path.of("src/test/resources/api");
    private static final CrdValidation CRD = CrdValidation.generated();

    static JsonNode base() {
        return CrdValidation.readYaml(CORPUS.resolve("base-pipeline.yaml")).get(0);
    }

    static Stream<Arguments> cases() {
        JsonNode corpus = CrdValidation.readYaml(CORPUS.resolve("invalid-manifests.yaml")).get(0);
        Stream.Builder<Arguments> cases = Stream.builder();
        corpus.forEach(c -> cases.add(Arguments.of(c.get("name").asText(), c)));
        return cases.build();
    }

    @Test
    void corpusIsLargeAndBaseIsValid() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(30);
        assertThat(CRD.validate(base())).isEmpty();
        assertThat(CRD.validateUpdate(base(), base())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRejectedForItsStatedReason(String name, JsonNode testCase) {
        JsonNode manifest = mergePatch(base(), testCase.get("patch"));
        List<String> problems = testCase.has("before")
                ? CRD.validateUpdate(mergePatch(base(), testCase.get("before")), manifest)
                : CRD.validate(manifest);

        assertThat(problems)
                .as("problems for '%s'", name)
                .anySatisfy(p -> assertThat(p).contains(testCase.get("expect").asText()));
    }

    /** RFC 7386 JSON merge patch: objects merge, null removes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target.isObject() ? (ObjectNode) target.deepCopy() : JsonNodeFactory.instance.objectNode();
        patch.fields().forEachRemaining(f -> {
            if (f.getValue().isNull()) {
                result.remove(f.getKey());
            } else {
                result.set(f.getKey(), mergePatch(result.path(f.getKey()), f.getValue()));
            }
        });
        return result;
    }
}
