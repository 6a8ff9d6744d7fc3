package dev.insight.streaming.operator.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import dev.insight.streaming.operator.api.spec.LagSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SpecChangeRulesTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void everyFieldOfTheCrdSpecIsDeclared() throws Exception {
    Path crd =
        Path.of(System.getProperty("crd.checked-in.dir", "../crds"))
            .resolve("streamingpipelines.streaming.insight.dev-v1.yml");
    JsonNode spec =
        new ObjectMapper(new YAMLFactory())
            .readTree(crd.toFile())
            .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    List<String> leaves = new ArrayList<>();
    collect(spec, "", leaves);
    assertThat(leaves).hasSizeGreaterThan(30);
    assertThat(leaves)
        .allSatisfy(
            path -> assertThat(SpecChangeRules.ruleFor(path)).as("a rule for " + path).isPresent());
  }

  @Test
  void inPlaceFieldsKeepTheHashAndRedeployFieldsChangeIt() {
    String base = SpecChangeRules.driverHash(spec(s -> {}));
    assertThat(SpecChangeRules.driverHash(spec(s -> {}))).isEqualTo(base);
    for (Consumer<StreamingPipelineSpec> inPlace :
        List.<Consumer<StreamingPipelineSpec>>of(
            s -> s.getKafka().getTopics().get(0).setPartitions(12),
            s -> s.getKafka().getTopics().get(0).setConfig(Map.of("retention.ms", "1")),
            s -> {
              LagSpec lag = new LagSpec();
              lag.setWarnThreshold(5L);
              s.setLag(lag);
            },
            s -> s.getJob().getRestartPolicy().setMaxRetries(1),
            s -> s.setDeletionPolicy(dev.insight.streaming.operator.api.spec.DeletionPolicy.Delete),
            s -> s.setSuspend(true))) {
      assertThat(SpecChangeRules.driverHash(spec(inPlace))).isEqualTo(base);
    }
    for (Consumer<StreamingPipelineSpec> redeploy :
        List.<Consumer<StreamingPipelineSpec>>of(
            s -> s.getJob().setImage("other:1"),
            s -> s.getJob().setSparkConf(Map.of("spark.x", "1")),
            s -> s.getJob().getExecutor().setInstances(4),
            s -> s.getKafka().getTopics().get(0).setName("renamed"),
            s -> s.getKafka().setBootstrapServers("other:9092"),
            s -> s.getSinks().getMongodb().setCollection("c2"),
            s -> s.getTransform().setKeyFields(List.of()))) {
      assertThat(SpecChangeRules.driverHash(spec(redeploy))).isNotEqualTo(base);
    }
  }

  @Test
  void theLongestDeclaredPrefixDecides() {
    assertThat(SpecChangeRules.kindOf("job.image")).isEqualTo(ChangeKind.REDEPLOY_DRIVER);
    assertThat(SpecChangeRules.kindOf("job.restartPolicy.backoff.initialDelay"))
        .isEqualTo(ChangeKind.IN_PLACE);
    assertThat(SpecChangeRules.kindOf("kafka.topics[].partitions")).isEqualTo(ChangeKind.IN_PLACE);
    assertThat(SpecChangeRules.kindOf("kafka.topics[].name")).isEqualTo(ChangeKind.REDEPLOY_DRIVER);
    assertThat(SpecChangeRules.kindOf("lag.window")).isEqualTo(ChangeKind.IN_PLACE);
    assertThat(SpecChangeRules.kindOf("somethingNew"))
        .as("undeclared: the safe side")
        .isEqualTo(ChangeKind.REDEPLOY_DRIVER);
  }

  private static StreamingPipelineSpec spec(Consumer<StreamingPipelineSpec> change) {
    StreamingPipeline p =
        SERIALIZATION.unmarshal(
            """
        apiVersion: streaming.insight.dev/v1alpha1
        kind: StreamingPipeline
        metadata: {name: p, namespace: n}
        spec:
          kafka: {bootstrapServers: "k:9092", topics: [{name: t, partitions: 2}]}
          job:
            image: img:1
            executor: {instances: 1}
            restartPolicy: {type: Always}
          transform: {keyFields: [id], fields: [{name: id}]}
          sinks: {mongodb: {uriSecret: {name: s, key: uri}, database: d, collection: c}}
        """,
            StreamingPipeline.class);
    change.accept(p.getSpec());
    return p.getSpec();
  }

  private static void collect(JsonNode schema, String path, List<String> leaves) {
    JsonNode props = schema.get("properties");
    if (props != null) {
      Iterator<Map.Entry<String, JsonNode>> it = props.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        collect(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), leaves);
      }
      return;
    }
    if (schema.has("items")) {
      collect(schema.get("items"), path + "[]", leaves);
      return;
    }
    leaves.add(path);
  }
}
