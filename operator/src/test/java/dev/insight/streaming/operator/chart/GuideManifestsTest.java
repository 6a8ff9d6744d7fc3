package dev.insight.streaming.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.insight.streaming.operator.api.ApiServerValidation;
import dev.insight.streaming.operator.api.CrdFiles;
import dev.insight.streaming.operator.api.StreamingPipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Everything the real-cluster guide applies (examples/ and the development servers in
 * examples/infra/) parses into the fabric8 class of its kind without unknown fields, and the real
 * API server accepts every StreamingPipeline (schema and CEL rules of the CRD the chart installs).
 */
class GuideManifestsTest {

  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

  @Test
  void everyManifestParsesAndEveryPipelinePassesTheCrd() throws IOException {
    List<String> seen = new ArrayList<>();
    for (Path file : manifests()) {
      for (JsonNode document : CrdFiles.readYaml(file)) {
        String kind = document.path("kind").asText();
        String where =
            EXAMPLES.relativize(file) + " " + kind + "/" + document.at("/metadata/name").asText();
        seen.add(where);
        if (kind.equals("StreamingPipeline")) {
          // the API server holds crds/, which ChartCrdsTest keeps identical to the chart's copy
          assertThat(ApiServerValidation.validate(document))
              .as("the API server's verdict on %s", where)
              .isEmpty();
          assertThat(
                  Serialization.unmarshal(document.toString(), StreamingPipeline.class).getSpec())
              .as(where)
              .isNotNull();
        } else {
          KubernetesResource parsed =
              Serialization.unmarshal(document.toString(), KubernetesResource.class);
          assertThat(parsed).as(where).isInstanceOf(HasMetadata.class);
          assertThat(parsed.getClass().getSimpleName()).as("class of %s", where).isEqualTo(kind);
          assertThat(UnknownFields.in(parsed))
              .as("fields fabric8 does not know in %s", where)
              .isEmpty();
        }
      }
    }
    // the guide's own pieces must be among them, or the loop above proved nothing
    assertThat(seen)
        .anyMatch(where -> where.startsWith("infra/kafka.yaml Deployment/kafka"))
        .anyMatch(where -> where.startsWith("infra/cassandra.yaml Deployment/cassandra"))
        .anyMatch(where -> where.startsWith("infra/mongodb.yaml Deployment/mongodb"))
        .anyMatch(where -> where.equals("infra/clicks-pipeline.yaml StreamingPipeline/clicks"));
  }

  @Test
  void everyFileTheGuideAppliesExistsAndIsAmongThoseChecked() throws IOException {
    String readme = Files.readString(EXAMPLES.resolveSibling("README.md"));
    int start = readme.indexOf("## Run on a real cluster");
    assertThat(start).as("the guide's section in README.md").isNotNegative();
    String guide = readme.substring(start, readme.indexOf("\n## ", start + 1));
    Matcher applied = Pattern.compile("-f (\\S+\\.ya?ml)").matcher(guide);
    List<Path> files = new ArrayList<>();
    while (applied.find()) {
      files.add(EXAMPLES.resolveSibling(applied.group(1)).normalize());
    }
    assertThat(files).as("files the guide applies").isNotEmpty();
    assertThat(manifests()).containsAll(files);
  }

  private static List<Path> manifests() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files
          .filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }
}
