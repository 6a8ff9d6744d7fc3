package dev.insight.streaming.operator.api.validation;

import dev.insight.streaming.operator.api.Durations;
import dev.insight.streaming.operator.api.Formats;
import dev.insight.streaming.operator.api.MemorySizes;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import dev.insight.streaming.operator.api.spec.BackoffSpec;
import dev.insight.streaming.operator.api.spec.CassandraCredentials;
import dev.insight.streaming.operator.api.spec.FieldSpec;
import dev.insight.streaming.operator.api.spec.JobSpec;
import dev.insight.streaming.operator.api.spec.KafkaSpec;
import dev.insight.streaming.operator.api.spec.TransformSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconcile-time checks of a spec, in plain Java: what the CRD's schema and CEL rules cannot say
 * (operator-owned settings, names derived from metadata, the state of Kafka), plus the CEL rules
 * the reconciler relies on, because a cluster without CEL (older API servers, the mock server) lets
 * them through. Returns every problem at once.
 */
public final class SpecValidator {

  /**
   * Spark refuses to start with less heap than about 450 MiB; 512m is the smallest round size that
   * works.
   */
  static final long MIN_SPARK_MEMORY_MIB = 512;

  private SpecValidator() {}

  /** Every problem in the resource's spec; empty when the operator can act on it. */
  public static List<SpecProblem> validate(StreamingPipeline resource) {
    List<SpecProblem> problems = new ArrayList<>();
    StreamingPipelineSpec spec = resource.getSpec();
    if (spec == null) {
      problems.add(new SpecProblem("spec", "is missing"));
      return problems;
    }
    checkKafka(resource, spec.getKafka(), problems);
    checkJob(spec.getJob(), problems);
    checkTransform(spec.getTransform(), problems);
    checkSinks(spec, problems);
    checkDeadLetter(resource, problems);
    return problems;
  }

  /** One message naming every problem, for a condition or an event. */
  public static String describe(List<SpecProblem> problems) {
    return problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; "));
  }

  private static void checkKafka(
      StreamingPipeline resource, KafkaSpec kafka, List<SpecProblem> problems) {
    if (kafka == null) {
      problems.add(new SpecProblem("spec.kafka", "is missing"));
      return;
    }
    if (kafka.getTopics() == null || kafka.getTopics().isEmpty()) {
      problems.add(new SpecProblem("spec.kafka.topics", "name at least one input topic"));
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < kafka.getTopics().size(); i++) {
        String name = kafka.getTopics().get(i).getName();
        if (!seen.add(name)) {
          problems.add(
              new SpecProblem(
                  "spec.kafka.topics[" + i + "].name",
                  "topic " + name + " is listed twice; remove the duplicate"));
        }
      }
    }
    if (kafka.getConsumerGroup() == null) {
      String derived = resource.effectiveConsumerGroup();
      if (!derived.matches(Formats.CONSUMER_GROUP)) {
        problems.add(
            new SpecProblem(
                "spec.kafka.consumerGroup",
                "the default group "
                    + abbreviate(derived)
                    + " (<namespace>.<name>) is not a valid group id; set kafka.consumerGroup"));
      }
    }
    if (kafka.getClientConfig() != null) {
      kafka.getClientConfig().keySet().stream()
          .sorted()
          .forEach(
              key ->
                  OperatorOwnedSettings.kafkaClientRefusal(key)
                      .ifPresent(
                          why ->
                              problems.add(
                                  new SpecProblem("spec.kafka.clientConfig[" + key + "]", why))));
    }
  }

  private static void checkJob(JobSpec job, List<SpecProblem> problems) {
    if (job == null) {
      problems.add(new SpecProblem("spec.job", "is missing"));
      return;
    }
    if (job.getSparkConf() != null) {
      job.getSparkConf().keySet().stream()
          .sorted()
          .forEach(
              key ->
                  OperatorOwnedSettings.sparkRefusal(key)
                      .ifPresent(
                          why ->
                              problems.add(
                                  new SpecProblem("spec.job.sparkConf[" + key + "]", why))));
      checkDriverOverhead(job.getSparkConf(), problems);
    }
    if (job.getDriver() != null) {
      checkSparkMemory("spec.job.driver.memory", job.getDriver().getMemory(), problems);
    }
    if (job.getExecutor() != null) {
      checkSparkMemory("spec.job.executor.memory", job.getExecutor().getMemory(), problems);
    }
    BackoffSpec backoff =
        job.getRestartPolicy() == null ? null : job.getRestartPolicy().getBackoff();
    if (backoff != null
        && backoff.getInitialDelay() != null
        && backoff.getMaxDelay() != null
        && isDuration(backoff.getInitialDelay())
        && isDuration(backoff.getMaxDelay())
        && Durations.parse(backoff.getInitialDelay())
                .compareTo(Durations.parse(backoff.getMaxDelay()))
            > 0) {
      problems.add(
          new SpecProblem(
              "spec.job.restartPolicy.backoff.initialDelay",
              backoff.getInitialDelay() + " exceeds maxDelay " + backoff.getMaxDelay()));
    }
  }

  /**
   * The two settings the driver pod's memory is sized from must parse, or the pod cannot be built.
   */
  private static void checkDriverOverhead(
      Map<String, String> sparkConf, List<SpecProblem> problems) {
    String overhead = sparkConf.get(MemorySizes.DRIVER_OVERHEAD_KEY);
    if (overhead != null && !isOverhead(overhead)) {
      problems.add(
          new SpecProblem(
              "spec.job.sparkConf[" + MemorySizes.DRIVER_OVERHEAD_KEY + "]",
              "not a memory size like 512 (MiB), 512m or 1g: " + abbreviate(overhead)));
    }
    String factor = sparkConf.get(MemorySizes.DRIVER_OVERHEAD_FACTOR_KEY);
    if (factor != null && !isOverheadFactor(factor)) {
      problems.add(
          new SpecProblem(
              "spec.job.sparkConf[" + MemorySizes.DRIVER_OVERHEAD_FACTOR_KEY + "]",
              "not a fraction of the heap above 0 and at most 10, like 0.1 or 0.4: "
                  + abbreviate(factor)));
    }
  }

  private static boolean isOverhead(String text) {
    try {
      return MemorySizes.sparkMebibytes(text) >= 1;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isOverheadFactor(String text) {
    try {
      double f = Double.parseDouble(text.trim());
      return f > 0 && f <= 10;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void checkSparkMemory(String path, String memory, List<SpecProblem> problems) {
    if (memory == null || !memory.matches(Formats.MEMORY)) {
      problems.add(new SpecProblem(path, "not a memory size like 512m, 1g or 2Gi: " + memory));
    } else if (MemorySizes.mebibytes(memory) < MIN_SPARK_MEMORY_MIB) {
      problems.add(
          new SpecProblem(path, memory + " is below what Spark needs to start; use at least 512m"));
    }
  }

  private static void checkTransform(TransformSpec transform, List<SpecProblem> problems) {
    if (transform == null) {
      return;
    }
    List<FieldSpec> fields = transform.getFields() == null ? List.of() : transform.getFields();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < fields.size(); i++) {
      if (!names.add(fields.get(i).getName())) {
        problems.add(
            new SpecProblem(
                "spec.transform.fields[" + i + "].name",
                "field " + fields.get(i).getName() + " is projected twice; rename or remove one"));
      }
    }
    List<String> keys = transform.getKeyFields() == null ? List.of() : transform.getKeyFields();
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      if (key == null || key.isBlank()) {
        problems.add(
            new SpecProblem("spec.transform.keyFields[" + i + "]", "is empty; name a field"));
      } else if (!fields.isEmpty() && !names.contains(key)) {
        problems.add(
            new SpecProblem(
                "spec.transform.keyFields[" + i + "]",
                key
                    + " is not among transform.fields ("
                    + String.join(", ", names.stream().sorted().toList())
                    + "); add it there or pick one of them"));
      }
    }
  }

  private static void checkSinks(StreamingPipelineSpec spec, List<SpecProblem> problems) {
    var sinks = spec.getSinks();
    if (sinks == null || (sinks.getCassandra() == null && sinks.getMongodb() == null)) {
      problems.add(new SpecProblem("spec.sinks", "configure at least one of cassandra or mongodb"));
      return;
    }
    CassandraCredentials credentials =
        sinks.getCassandra() == null ? null : sinks.getCassandra().getCredentialsSecret();
    if (credentials != null
        && credentials.getUsernameKey() != null
        && credentials.getUsernameKey().equals(credentials.getPasswordKey())) {
      problems.add(
          new SpecProblem(
              "spec.sinks.cassandra.credentialsSecret.passwordKey",
              "is the same key as usernameKey ("
                  + credentials.getUsernameKey()
                  + "); name two keys"));
    }
  }

  private static void checkDeadLetter(StreamingPipeline resource, List<SpecProblem> problems) {
    String topic = resource.effectiveDeadLetterTopic();
    boolean derived =
        resource.getSpec().getDeadLetter() == null
            || resource.getSpec().getDeadLetter().getTopic() == null;
    String path = "spec.deadLetter.topic";
    if (!topic.matches(Formats.TOPIC)) {
      problems.add(
          new SpecProblem(
              path,
              "the default dead-letter topic "
                  + abbreviate(topic)
                  + " (<name>.dlq) is not a valid topic name; set deadLetter.topic"));
    }
    KafkaSpec kafka = resource.getSpec().getKafka();
    if (kafka != null
        && kafka.getTopics() != null
        && kafka.getTopics().stream().anyMatch(t -> topic.equals(t.getName()))) {
      problems.add(
          new SpecProblem(
              path,
              (derived ? "the default dead-letter topic " : "dead-letter topic ")
                  + topic
                  + " is also an input topic, so rejected records would be read again; "
                  + (derived ? "set deadLetter.topic to another name" : "pick another name")));
    }
  }

  private static boolean isDuration(String text) {
    return text.matches(Formats.DURATION);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
