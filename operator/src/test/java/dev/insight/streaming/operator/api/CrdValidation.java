package dev.insight.streaming.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates StreamingPipeline manifests the way the API server would: defaults, the CRD's OpenAPI schema
 * (networknt), unknown fields (kubectl's strict field validation), and every {@code x-kubernetes-validations}
 * CEL rule (dev.cel), transition rules with {@code oldSelf} included. The fabric8 mock server does none of this.
 * Reusable by any test: {@code CrdValidation.generated().validate(manifest)} returns the rejection messages.
 */
public final class CrdValidation {

    /** The CRD file name the generator writes and crds/ holds. */
    public static final String CRD_FILE = "streamingpipelines.streaming.insight.dev-v1.yml";

    private static final ObjectMapper YAML = new YAMLMapper();
    // Fields every object has that the generated schema leaves to the API server.
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata", "spec", "status");

    private final JsonNode openApiSchema;
    private final JsonSchema jsonSchema;
    private final CelCompiler celCompiler = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();
    private final CelRuntime celRuntime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private final Map<String, CelRuntime.Program> programs = new HashMap<>();

    /** Validation against the CRD in the given file. */
    public CrdValidation(Path crdFile) {
        JsonNode crd = readYaml(crdFile).get(0);
        this.openApiSchema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        if (openApiSchema.isMissingNode()) {
            throw new IllegalArgumentException(crdFile + " has no openAPIV3Schema");
        }
        this.jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApiSchema);
    }

    /** Validation against the CRD the build generated from the Java model (falls back to crds/ outside Maven). */
    public static CrdValidation generated() {
        return new CrdValidation(generatedCrdFile());
    }

    /** Where the build generated the CRD ({@code crd.generated.dir}, set by the operator pom). */
    public static Path generatedCrdFile() {
        String dir = System.getProperty("crd.generated.dir");
        return dir != null ? Path.of(dir, CRD_FILE) : checkedInCrdFile();
    }

    /** The CRD checked in under crds/ ({@code crd.checked-in.dir}, set by the operator pom). */
    public static Path checkedInCrdFile() {
        return Path.of(System.getProperty("crd.checked-in.dir", "../crds"), CRD_FILE);
    }

    /** The CRD's OpenAPI schema, for tests that walk it. */
    public JsonNode openApiSchema() {
        return openApiSchema;
    }

    /** Every reason the API server would reject creating this manifest; empty when it would accept it. */
    public List<String> validate(JsonNode manifest) {
        return validate(null, manifest);
    }

    /** Every reason the API server would reject updating {@code oldManifest} to {@code newManifest}. */
    public List<String> validateUpdate(JsonNode oldManifest, JsonNode newManifest) {
        return validate(withDefaults(oldManifest), newManifest);
    }

    /** The manifest as stored after the API server applied the schema's defaults. */
    public JsonNode withDefaults(JsonNode manifest) {
        JsonNode copy = manifest.deepCopy();
        applyDefaults(openApiSchema, copy);
        return copy;
    }

    /** All documents of a (multi-document) YAML file. */
    public static List<JsonNode> readYaml(Path file) {
        try (var parser = new YAMLFactory().createParser(Files.newBufferedReader(file))) {
            List<JsonNode> docs = new ArrayList<>();
            for (Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private List<String> validate(JsonNode oldDefaulted, JsonNode manifest) {
        JsonNode object = withDefaults(manifest);
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : jsonSchema.validate(object)) {
            problems.add(message.getMessage());
        }
        unknownFields(openApiSchema, object, "", problems);
        evaluateRules(openApiSchema, object, oldDefaulted, "", problems);
        return problems;
    }

    private static void applyDefaults(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode object) {
            JsonNode properties = schema.path("properties");
            properties.fields().forEachRemaining(p -> {
                if (!object.has(p.getKey()) && p.getValue().has("default")) {
                    object.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                if (object.has(p.getKey())) {
                    applyDefaults(p.getValue(), object.get(p.getKey()));
                }
            });
            JsonNode additional = schema.path("additionalProperties");
            if (additional.isObject()) {
                object.forEach(v -> applyDefaults(additional, v));
            }
        } else if (value instanceof ArrayNode array && schema.has("items")) {
            array.forEach(item -> applyDefaults(schema.get("items"), item));
        }
    }

    private static void unknownFields(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (value.isObject() && schema.has("properties")) {
            value.fields().forEachRemaining(f -> {
                JsonNode property = schema.get("properties").get(f.getKey());
                if (property != null) {
                    unknownFields(property, f.getValue(), join(path, f.getKey()), problems);
                } else if (!(path.isEmpty() && ROOT_FIELDS.contains(f.getKey()))) {
                    problems.add(join(path, f.getKey()) + ": unknown field \"" + f.getKey() + "\"");
                }
            });
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                unknownFields(schema.get("items"), value.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    /** {@code old} is the correlated old value, or null where there is none (create, new item, list element). */
    private void evaluateRules(JsonNode schema, JsonNode value, JsonNode old, String path, List<String> problems) {
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expression = rule.get("rule").asText();
            boolean transition = expression.contains("oldSelf");
            if (transition && old == null) {
                continue;
            }
            Map<String, Object> variables = new HashMap<>();
            variables.put("self", toCel(value));
            if (transition) {
                variables.put("oldSelf", toCel(old));
            }
            String where = path + rule.path("fieldPath").asText("");
            try {
                Object result = program(expression).eval(variables);
                if (!Boolean.TRUE.equals(result)) {
                    problems.add(where + ": Invalid value: " + rule.path("message").asText(expression));
                }
            } catch (CelEvaluationException e) {
                problems.add(where + ": rule " + expression + " failed: " + e.getMessage());
            }
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            value.fields().forEachRemaining(f -> {
                JsonNode child = properties.has(f.getKey()) ? properties.get(f.getKey())
                        : additional.isObject() ? additional : null;
                if (child != null) {
                    JsonNode oldChild = old == null ? null : old.get(f.getKey());
                    evaluateRules(child, f.getValue(), oldChild, join(path, f.getKey()), problems);
                }
            });
        } else if (value.isArray() && schema.has("items")) {
            // atomic lists: elements are not correlated with old elements, so their transition rules do not run
            for (int i = 0; i < value.size(); i++) {
                evaluateRules(schema.get("items"), value.get(i), null, path + "[" + i + "]", problems);
            }
        }
    }

    private CelRuntime.Program program(String expression) {
        return programs.computeIfAbsent(expression, e -> {
            try {
                return celRuntime.createProgram(celCompiler.compile(e).getAst());
            } catch (CelValidationException | CelEvaluationException ex) {
                throw new IllegalStateException("CEL rule does not compile: " + e + ": " + ex.getMessage(), ex);
            }
        });
    }

    private static Object toCel(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(f -> map.put(f.getKey(), toCel(f.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(toCel(item)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
