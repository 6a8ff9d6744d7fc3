package dev.insight.streaming.operator.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DriverResources;
import dev.insight.streaming.operator.api.spec.ExecutorResources;
import dev.insight.streaming.operator.api.spec.PodTemplateSpec;
import dev.insight.streaming.operator.api.spec.TopicSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One test per problem the reconcile-time checks report, each asserting the field path and the
 * advice. What the CRD's schema and CEL rules refuse is in the API server's corpus ({@code
 * InvalidManifestsTest}).
 */
class SpecValidatorTest {

  private static final String VALID =
      """
            apiVersion: streaming.insight.dev/v1alpha1
            kind: StreamingPipeline
            metadata: {name: orders, namespace: shop}
            spec:
              kafka:
                bootstrapServers: kafka:9092
                topics: [{name: orders, partitions: 3}, {name: refunds, partitions: 1}]
              job: {image: streaming-pipeline-job:0.1.0}
              transform:
                keyFields: [id]
                fields: [{name: id}, {name: amount, type: double}]
              sinks:
                mongodb: {uriSecret: {name: orders-mongodb, key: uri}, database: shop, collection: orders}
            """;

  private final StreamingPipeline pipeline =
      Serialization.unmarshal(VALID, StreamingPipeline.class);

  private List<SpecProblem> problems() {
    return SpecValidator.validate(pipeline);
  }

  @Test
  void aValidSpecHasNoProblems() {
    assertThat(problems()).isEmpty();
    assertThat(pipeline.effectiveConsumerGroup()).isEqualTo("shop.orders");
    assertThat(pipeline.effectiveDeadLetterTopic()).isEqualTo("shop.orders.dlq");
  }

  @Test
  void aCpuLimitBelowTheCoresAndTemplateMountsOffTheTemplatesVolumesAreRefused() {
    DriverResources driver = new DriverResources();
    driver.setCores(2);
    driver.setCpuLimit("1500m");
    driver.setPodTemplate(
        Serialization.unmarshal(
            """
            spec:
              volumes: [{name: certs, secret: {secretName: certs}}]
              containers:
              - name: spark-kubernetes-driver
                volumeMounts:
                - {name: certs, mountPath: /etc/streaming-pipeline/certs}
                - {name: nowhere, mountPath: /mnt/x}
                - {name: certs, mountPath: /var/data/x}
              - {name: proxy, image: envoy:1, volumeMounts: [{name: certs, mountPath: /var/data}]}
            """,
            PodTemplateSpec.class));
    pipeline.getSpec().getJob().setDriver(driver);

    assertThat(problems())
        .extracting(SpecProblem::toString)
        .containsExactlyInAnyOrder(
            "spec.job.driver.cpuLimit: 1500m is below the 2 cores requested; raise it or omit it",
            "spec.job.driver.podTemplate.spec.containers[spark-kubernetes-driver].volumeMounts:"
                + " /etc/streaming-pipeline/certs overlaps /etc/streaming-pipeline, which the"
                + " operator or Spark mounts",
            "spec.job.driver.podTemplate.spec.containers[spark-kubernetes-driver].volumeMounts:"
                + " volume nowhere is not among the template's volumes",
            "spec.job.driver.podTemplate.spec.containers[spark-kubernetes-driver].volumeMounts:"
                + " /var/data/x overlaps /var/data, which the operator or Spark mounts");

    driver.setCpuLimit("2");
    driver.setPodTemplate(null);
    assertThat(problems()).isEmpty();
  }

  @Test
  void sparkConfMayNotSetWhatTheOperatorWires() {
    pipeline
        .getSpec()
        .getJob()
        .setSparkConf(
            Map.of(
                "spark.master", "local[*]",
                "spark.kubernetes.namespace", "other",
                "spark.streaming.kafka.consumer.poll.ms", "100",
                "spark.sql.shuffle.partitions", "4"));

    assertThat(problems())
        .extracting(SpecProblem::path)
        .containsExactly(
            "spec.job.sparkConf[spark.kubernetes.namespace]",
            "spec.job.sparkConf[spark.master]",
            "spec.job.sparkConf[spark.streaming.kafka.consumer.poll.ms]");
  }

  @Test
  void sparkConfKeysWithASpecFieldNameThatField() {
    pipeline.getSpec().getJob().setSparkConf(Map.of("spark.executor.memory", "4g"));

    assertThat(problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("spec.job.sparkConf[spark.executor.memory]");
              assertThat(p.message()).contains("job.executor.memory");
            });
  }

  @Test
  void theDriverOverheadSettingsMustParseAsSparkReadsThem() {
    pipeline
        .getSpec()
        .getJob()
        .setSparkConf(
            Map.of(
                "spark.driver.memoryOverhead", "1Gi",
                "spark.driver.memoryOverheadFactor", "ten percent"));

    assertThat(problems())
        .extracting(SpecProblem::path, SpecProblem::message)
        .containsExactly(
            tuple(
                "spec.job.sparkConf[spark.driver.memoryOverhead]",
                "not a memory size like 512 (MiB), 512m or 1g: 1Gi"),
            tuple(
                "spec.job.sparkConf[spark.driver.memoryOverheadFactor]",
                "not a fraction of the heap above 0 and at most 10, like 0.1 or 0.4: ten percent"));

    pipeline
        .getSpec()
        .getJob()
        .setSparkConf(
            Map.of(
                "spark.driver.memoryOverhead", "768", "spark.driver.memoryOverheadFactor", "0.25"));
    assertThat(problems()).isEmpty();
  }

  @Test
  void clientConfigMayNotSetWhatTheJobSets() {
    pipeline
        .getSpec()
        .getKafka()
        .setClientConfig(Map.of("group.id", "x", "security.protocol", "SSL"));

    assertThat(problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("spec.kafka.clientConfig[group.id]");
              assertThat(p.message()).contains("kafka.consumerGroup");
            });
  }

  @Test
  void theDefaultDeadLetterTopicMayNotBeAnInputTopic() {
    TopicSpec clash = new TopicSpec();
    clash.setName("shop.orders.dlq");
    pipeline.getSpec().getKafka().getTopics().add(clash);

    assertThat(problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("spec.deadLetter.topic");
              assertThat(p.message())
                  .contains("default dead-letter topic shop.orders.dlq is also an input topic");
            });
  }

  @Test
  void namesTooLongForDerivedTopicAndGroupNeedExplicitOnes() {
    pipeline.getMetadata().setName("p".repeat(246));

    assertThat(problems())
        .extracting(SpecProblem::path)
        .containsExactly("spec.kafka.consumerGroup", "spec.deadLetter.topic");
  }

  @Test
  void sparkMemoryMustBeEnoughToStart() {
    DriverResources driver = new DriverResources();
    driver.setMemory("256m");
    ExecutorResources executor = new ExecutorResources();
    executor.setMemory("1Gi");
    pipeline.getSpec().getJob().setDriver(driver);
    pipeline.getSpec().getJob().setExecutor(executor);

    assertThat(problems())
        .extracting(SpecProblem::toString)
        .containsExactly(
            "spec.job.driver.memory: 256m is below what Spark needs to start; use at least 512m");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    pipeline.getSpec().getJob().setSparkConf(Map.of("spark.master", "local"));
    pipeline.getSpec().getKafka().setClientConfig(Map.of("group.id", "mine"));
    DriverResources driver = new DriverResources();
    driver.setMemory("256m");
    pipeline.getSpec().getJob().setDriver(driver);

    List<SpecProblem> problems = problems();
    assertThat(problems).hasSize(3);
    assertThat(SpecValidator.describe(problems))
        .contains(
            "spec.job.sparkConf[spark.master]",
            "spec.kafka.clientConfig[group.id]",
            "spec.job.driver.memory");
  }
}
