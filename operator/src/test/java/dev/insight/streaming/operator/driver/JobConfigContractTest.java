package dev.insight.streaming.operator.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.insight.streaming.jobconfig.JobConfig;
import dev.insight.streaming.operator.api.CrdFiles;
import dev.insight.streaming.operator.api.StreamingPipeline;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JobConfig the operator renders for each example parses back into the same records (the {@code
 * job-contract} module the job reads it with) and equals the module's sample for that example,
 * which the job-side tests read.
 */
class JobConfigContractTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** The JobConfig samples the job-contract module's own tests read, one per example. */
  private static final Path SAMPLES = Path.of("../job-contract/src/test/resources/jobconfig");

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../examples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void theJobAcceptsWhatTheOperatorRenders(Path file) {
    List<JsonNode> docs = CrdFiles.readYaml(file);
    List<StreamingPipeline> pipelines = new ArrayList<>();
    for (JsonNode doc : docs) {
      if (StreamingPipeline.KIND.equals(doc.path("kind").asText())) {
        StreamingPipeline p = SERIALIZATION.convertValue(doc, StreamingPipeline.class);
        p.getMetadata().setNamespace("default");
        pipelines.add(p);
      }
    }
    assertThat(pipelines).isNotEmpty();
    for (StreamingPipeline pipeline : pipelines) {
      // the Kafka client Secret's keys, as the operator would find them in the cluster
      List<String> kafkaKeys = new ArrayList<>();
      if (pipeline.getSpec().getKafka().getClientSecret() != null) {
        String name = pipeline.getSpec().getKafka().getClientSecret().getName();
        docs.stream()
            .filter(d -> "Secret".equals(d.path("kind").asText()))
            .filter(d -> name.equals(d.at("/metadata/name").asText()))
            .forEach(d -> d.path("stringData").fieldNames().forEachRemaining(kafkaKeys::add));
        assertThat(kafkaKeys).as("keys of Secret " + name).isNotEmpty();
      }
      SecretEnv secrets = SecretEnv.of(pipeline.getSpec(), kafkaKeys);
      String json = JobConfigRenderer.render(pipeline, secrets);

      JobConfig parsed = JobConfig.parse(json);
      assertThat(parsed)
          .as("the parsed JobConfig is the rendered one")
          .isEqualTo(JobConfigRenderer.config(pipeline, secrets));
      Path sample = SAMPLES.resolve(file.getFileName().toString().replace(".yaml", ".json"));
      assertThat(JobConfig.read(sample))
          .as("the job-contract sample %s is what the operator renders", sample)
          .isEqualTo(parsed);

      assertThat(parsed.pipeline().name()).isEqualTo(pipeline.getMetadata().getName());
      assertThat(parsed.kafka().consumerGroup()).isEqualTo(pipeline.effectiveConsumerGroup());
      assertThat(parsed.deadLetter().topic()).isEqualTo(pipeline.effectiveDeadLetterTopic());
      assertThat(parsed.kafka().topics())
          .containsExactlyElementsOf(
              pipeline.getSpec().getKafka().getTopics().stream().map(t -> t.getName()).toList());
      if (parsed.sinks().mongodb() != null) {
        assertThat(parsed.sinks().mongodb().uriEnv()).isEqualTo(SecretEnv.MONGODB_URI);
      }
      kafkaKeys.forEach(
          k ->
              assertThat(parsed.kafka().clientConfigFromEnv())
                  .containsEntry(k, SecretEnv.kafkaVariable(k)));
      // every variable the JobConfig names is one the pod gets from a Secret
      List<String> podVariables =
          secrets.variables().stream().map(SecretEnv.Variable::name).toList();
      assertThat(podVariables).containsAll(parsed.kafka().clientConfigFromEnv().values());
    }
  }

  @Test
  void theJobsParserLoadsWithoutSpark() {
    assertThat(JobConfig.class.getClassLoader().getResource("org/apache/spark/SparkConf.class"))
        .isNull();
  }
}
