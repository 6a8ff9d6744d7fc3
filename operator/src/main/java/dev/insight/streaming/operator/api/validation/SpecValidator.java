package dev.insight.streaming.operator.api.validation;

import dev.insight.streaming.operator.api.Formats;
import dev.insight.streaming.operator.api.MemorySizes;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import dev.insight.streaming.operator.api.spec.JobSpec;
import dev.insight.streaming.operator.api.spec.KafkaSpec;
import dev.insight.streaming.operator.api.spec.PodTemplatePodSpec;
import dev.insight.streaming.operator.api.spec.PodTemplateSpec;
import dev.insight.streaming.operator.api.spec.SinksSpec;
import dev.insight.streaming.operator.api.spec.TemplateContainer;
import dev.insight.streaming.operator.api.spec.TopicSpec;
import dev.insight.streaming.operator.driver.DriverContract;
import dev.insight.streaming.sinkstores.cassandra.CassandraOffsetStore;
import dev.insight.streaming.sinkstores.mongodb.MongoOffsetStore;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconcile-time checks of a spec, in plain Java: only what the CRD's schema and CEL rules, which
 * the API server applies first, cannot say. Each check says why it is not CEL. Returns every
 * problem at once.
 */
public final class SpecValidator {

  /**
   * Spark refuses to start with less heap than about 450 MiB; 512m is the smallest round size that
   * works.
   */
  static final long MIN_SPARK_MEMORY_MIB = 512;

  /** The largest driver or executor heap the operator sizes pods for: 1 TiB. */
  static final long MAX_SPARK_MEMORY_MIB = 1L << 20;

  /**
   * Partitions one pipeline may read and write in all (its topics and its dead-letter topic): the
   * lag monitor keeps a window of samples per partition, and the job a task per partition.
   */
  public static final int MAX_PARTITIONS_PER_PIPELINE = 10_000;

  private SpecValidator() {}

  /** Every problem in the resource's spec; empty when the operator can act on it. */
  public static List<SpecProblem> validate(StreamingPipeline resource) {
    List<SpecProblem> problems = new ArrayList<>();
    StreamingPipelineSpec spec = resource.getSpec();
    if (spec == null) {
      return problems; // required by the schema
    }
    checkKafka(resource, spec.getKafka(), problems);
    checkJob(spec.getJob(), problems);
    checkDeadLetter(resource, problems);
    checkSinks(spec.getSinks(), problems);
    checkAddressesAndSizes(spec, problems);
    return problems;
  }

  /** One message naming every problem, for a condition or an event. */
  public static String describe(List<SpecProblem> problems) {
    return problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; "));
  }

  private static void checkKafka(
      StreamingPipeline resource, KafkaSpec kafka, List<SpecProblem> problems) {
    if (kafka == null) {
      return; // required by the schema
    }
    // not CEL: the default group is derived from metadata, which a spec rule cannot see
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
    // not CEL: the list of operator-owned client settings is the operator's, and grows with it
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

  /**
   * Not CEL: the offset stores' location is the sink-stores module's constant. A sink writing there
   * would overwrite every pipeline's offsets (and claims) in that cluster.
   */
  private static void checkSinks(SinksSpec sinks, List<SpecProblem> problems) {
    if (sinks == null) {
      return;
    }
    if (sinks.getCassandra() != null
        && CassandraOffsetStore.DEFAULT_KEYSPACE.equals(sinks.getCassandra().getKeyspace())) {
      problems.add(
          new SpecProblem(
              "spec.sinks.cassandra.keyspace",
              "keyspace "
                  + CassandraOffsetStore.DEFAULT_KEYSPACE
                  + " is reserved for the pipelines' offset stores; choose another keyspace"));
    }
    if (sinks.getMongodb() != null
        && MongoOffsetStore.DEFAULT_DATABASE.equals(sinks.getMongodb().getDatabase())) {
      problems.add(
          new SpecProblem(
              "spec.sinks.mongodb.database",
              "database "
                  + MongoOffsetStore.DEFAULT_DATABASE
                  + " is reserved for the pipelines' offset stores; choose another database"));
    }
  }

  private static void checkJob(JobSpec job, List<SpecProblem> problems) {
    if (job == null) {
      return; // required by the schema
    }
    // not CEL: the operator-owned Spark settings are the operator's list; the overhead values
    // follow
    // Spark's own size grammar (512m is MiB there, millibytes to a Kubernetes quantity)
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
    // not CEL: Spark's size grammar again (the schema checks the form, this the amount)
    if (job.getDriver() != null) {
      checkSparkMemory("spec.job.driver.memory", job.getDriver().getMemory(), problems);
      checkCpuLimit(
          "spec.job.driver", job.getDriver().getCores(), job.getDriver().getCpuLimit(), problems);
      checkTemplate(
          "spec.job.driver.podTemplate",
          job.getDriver().getPodTemplate(),
          DriverContract.DRIVER_CONTAINER,
          problems);
    }
    if (job.getExecutor() != null) {
      checkSparkMemory("spec.job.executor.memory", job.getExecutor().getMemory(), problems);
      checkCpuLimit(
          "spec.job.executor",
          job.getExecutor().getCores(),
          job.getExecutor().getCpuLimit(),
          problems);
      checkTemplate(
          "spec.job.executor.podTemplate",
          job.getExecutor().getPodTemplate(),
          DriverContract.EXECUTOR_CONTAINER,
          problems);
    }
  }

  /**
   * Not CEL: a quantity's amount (the schema checks its form); the API server would refuse the pod
   * itself, later and less clearly.
   */
  private static void checkCpuLimit(
      String path, Integer cores, String limit, List<SpecProblem> problems) {
    if (limit == null || cores == null || !limit.matches(Formats.CPU)) {
      return;
    }
    BigDecimal amount = Quantity.getAmountInBytes(new Quantity(limit));
    if (amount.compareTo(BigDecimal.valueOf(cores)) < 0) {
      problems.add(
          new SpecProblem(
              path + ".cpuLimit",
              limit + " is below the " + cores + " cores requested; raise it or omit it"));
    }
  }

  /**
   * Not CEL: the main container's mounts must name the template's own volumes and stay off the
   * paths the operator and Spark mount (which live in DriverContract, not in the schema).
   */
  private static void checkTemplate(
      String path, PodTemplateSpec template, String main, List<SpecProblem> problems) {
    if (template == null || template.getSpec() == null) {
      return;
    }
    PodTemplatePodSpec spec = template.getSpec();
    Set<String> volumes = new HashSet<>();
    if (spec.getVolumes() != null) {
      spec.getVolumes().forEach(v -> volumes.add(v.getName()));
    }
    List<TemplateContainer> containers = new ArrayList<>();
    if (spec.getInitContainers() != null) {
      containers.addAll(spec.getInitContainers());
    }
    if (spec.getContainers() != null) {
      containers.addAll(spec.getContainers());
    }
    Set<String> names = new HashSet<>();
    for (TemplateContainer c : containers) {
      if (!names.add(c.getName())) {
        problems.add(new SpecProblem(path + ".spec", "two containers are named " + c.getName()));
      }
      if (c.getVolumeMounts() == null) {
        continue;
      }
      for (VolumeMount mount : c.getVolumeMounts()) {
        String where = path + ".spec.containers[" + c.getName() + "].volumeMounts";
        if (!volumes.contains(mount.getName())) {
          problems.add(
              new SpecProblem(
                  where, "volume " + mount.getName() + " is not among the template's volumes"));
        }
        String mountPath = mount.getMountPath() == null ? "" : mount.getMountPath();
        if (c.getName().equals(main)) {
          for (String reserved : DriverContract.RESERVED_MOUNT_PATHS) {
            if (mountPath.equals(reserved)
                || mountPath.startsWith(reserved + "/")
                || reserved.startsWith(mountPath.endsWith("/") ? mountPath : mountPath + "/")) {
              problems.add(
                  new SpecProblem(
                      where,
                      mountPath
                          + " overlaps "
                          + reserved
                          + ", which the operator or Spark mounts"));
            }
          }
        }
      }
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
      problems.add(
          new SpecProblem(path, "not a memory size like 512m, 1g or 2Gi: " + abbreviate(memory)));
    } else if (!fitsSparkMemory(memory)) {
      problems.add(
          new SpecProblem(
              path, abbreviate(memory) + " is more than the 1Ti the operator sizes pods for"));
    } else if (MemorySizes.mebibytes(memory) < MIN_SPARK_MEMORY_MIB) {
      problems.add(
          new SpecProblem(path, memory + " is below what Spark needs to start; use at least 512m"));
    }
  }

  private static boolean fitsSparkMemory(String memory) {
    try {
      return MemorySizes.mebibytes(memory) <= MAX_SPARK_MEMORY_MIB;
    } catch (ArithmeticException | NumberFormatException e) {
      return false; // beyond a long's bytes
    }
  }

  /**
   * Not CEL: a sum over topics and the dead-letter topic, and port ranges inside address strings.
   */
  private static void checkAddressesAndSizes(
      StreamingPipelineSpec spec, List<SpecProblem> problems) {
    if (spec.getKafka() != null) {
      checkPorts(
          "spec.kafka.bootstrapServers",
          List.of(nullToEmpty(spec.getKafka().getBootstrapServers()).split(",")),
          problems);
      long partitions = partitions(spec);
      if (partitions > MAX_PARTITIONS_PER_PIPELINE) {
        problems.add(
            new SpecProblem(
                "spec.kafka.topics",
                partitions
                    + " partitions in all (topics and dead-letter topic) is more than the "
                    + MAX_PARTITIONS_PER_PIPELINE
                    + " one pipeline may have; split the topics over several pipelines"));
      }
    }
    if (spec.getSinks() != null && spec.getSinks().getCassandra() != null) {
      checkPorts(
          "spec.sinks.cassandra.contactPoints",
          spec.getSinks().getCassandra().getContactPoints(),
          problems);
    }
  }

  /** The partitions a pipeline reads and writes: its topics' and its dead-letter topic's. */
  public static long partitions(StreamingPipelineSpec spec) {
    long partitions = 0;
    if (spec != null && spec.getKafka() != null) {
      for (TopicSpec topic : spec.getKafka().getTopics()) {
        partitions += topic.getPartitions() == null ? 1 : topic.getPartitions();
      }
    }
    boolean dlqSized =
        spec != null
            && spec.getDeadLetter() != null
            && spec.getDeadLetter().getPartitions() != null;
    return partitions + (dlqSized ? spec.getDeadLetter().getPartitions() : 1);
  }

  private static void checkPorts(String path, List<String> addresses, List<SpecProblem> problems) {
    if (addresses == null) {
      return;
    }
    for (String address : addresses) {
      int colon = address.lastIndexOf(':');
      if (colon < 0 || colon == address.length() - 1) {
        continue;
      }
      String port = address.substring(colon + 1).strip();
      if (!port.matches("[0-9]{1,5}")) {
        continue; // the schema's pattern says what is wrong
      }
      int number = Integer.parseInt(port);
      if (number < 1 || number > 65535) {
        problems.add(
            new SpecProblem(
                path,
                "port " + number + " of " + abbreviate(address.strip()) + " is outside 1-65535"));
      }
    }
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }

  /**
   * Not CEL: the default dead-letter topic is derived from metadata.name (an explicit one is
   * checked by the schema and a CEL rule).
   */
  private static void checkDeadLetter(StreamingPipeline resource, List<SpecProblem> problems) {
    boolean derived =
        resource.getSpec().getDeadLetter() == null
            || resource.getSpec().getDeadLetter().getTopic() == null;
    if (!derived) {
      return;
    }
    String topic = resource.effectiveDeadLetterTopic();
    String path = "spec.deadLetter.topic";
    if (!topic.matches(Formats.TOPIC)) {
      problems.add(
          new SpecProblem(
              path,
              "the default dead-letter topic "
                  + abbreviate(topic)
                  + " (<namespace>.<name>.dlq) is not a valid topic name; set deadLetter.topic"));
    }
    KafkaSpec kafka = resource.getSpec().getKafka();
    if (kafka != null
        && kafka.getTopics() != null
        && kafka.getTopics().stream().anyMatch(t -> topic.equals(t.getName()))) {
      problems.add(
          new SpecProblem(
              path,
              "the default dead-letter topic "
                  + topic
                  + " is also an input topic, so rejected records would be read again; set"
                  + " deadLetter.topic to another name"));
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
