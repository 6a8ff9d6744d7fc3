package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.StreamingPipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The names, labels and owner reference of everything that belongs to one pipeline's driver,
 * derived from the pipeline alone so that a restarted operator finds the same objects again.
 *
 * @param namespace the pipeline's namespace, which holds every driver object
 * @param pipeline the pipeline's name
 * @param base the DNS-label form of the pipeline's name the other names start with
 */
public record DriverNames(String namespace, String pipeline, String base) {

  /** Label naming the pipeline a pod, service or config map belongs to. */
  public static final String PIPELINE_LABEL = StreamingPipeline.GROUP + "/pipeline";

  /** Label telling the driver from its executors. */
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "streaming-pipeline-operator";
  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String NAME = "streaming-pipeline";
  public static final String DRIVER = "driver";
  public static final String EXECUTOR = "executor";

  /** Spark's label for a pod's role, driver or executor. */
  public static final String SPARK_ROLE_LABEL = "spark-role";

  /** Spark's label with the application id, on the driver and every executor of one run. */
  public static final String SPARK_APP_LABEL = "spark-app-selector";

  // A Service name is a DNS-1035 label (63 characters); Spark caps executor pod name prefixes at
  // 47.
  private static final int DNS_LABEL = 63;
  private static final int EXECUTOR_PREFIX = 47;
  private static final String DRIVER_SUFFIX = "-driver";

  /**
   * The names of {@code pipeline}'s driver objects. Where making the name a DNS label lost
   * information (a dot, a leading digit), a short hash of the original name is appended, so {@code
   * orders.v1} ({@code orders-v1-<hash>-driver}) and {@code orders-v1} ({@code orders-v1-driver})
   * never share an object.
   */
  public static DriverNames of(StreamingPipeline pipeline) {
    String name = pipeline.getMetadata().getName();
    return new DriverNames(pipeline.getMetadata().getNamespace(), name, base(name));
  }

  static String base(String name) {
    String label = dnsLabel(name);
    return label.equals(name) ? label : label + "-" + sha256(name).substring(0, 8);
  }

  /**
   * The driver pod's name before names carried a hash ({@code <label>-driver}), when it differs
   * from {@link #pod()}: a driver started by an earlier operator under it is stopped before a new
   * one starts.
   */
  public Optional<String> earlierPod() {
    String earlier = fit(dnsLabel(pipeline), DRIVER_SUFFIX, DNS_LABEL);
    return earlier.equals(pod()) ? Optional.empty() : Optional.of(earlier);
  }

  /** The controller owner reference of {@code object}, if any. */
  public static Optional<OwnerReference> controller(HasMetadata object) {
    List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
    return owners == null
        ? Optional.empty()
        : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
  }

  /** Whether {@code pipeline} is {@code object}'s controller (by UID). */
  public static boolean controlledBy(HasMetadata object, StreamingPipeline pipeline) {
    return controller(object)
        .map(o -> Objects.equals(o.getUid(), pipeline.getMetadata().getUid()))
        .orElse(false);
  }

  /**
   * The driver pod; one name for every restart, so the API server itself refuses a second driver.
   */
  public String pod() {
    return fit(base, DRIVER_SUFFIX, DNS_LABEL);
  }

  /** The headless Service executors reach the driver through ({@code spark.driver.host}). */
  public String service() {
    return pod();
  }

  /** The ConfigMap with the JobConfig, the Spark properties and the executor pod template. */
  public String configMap() {
    return pod();
  }

  /**
   * The ServiceAccount the driver runs as; its RoleBinding to the driver ClusterRole lets it manage
   * executors.
   */
  public String serviceAccount() {
    return pod();
  }

  /** The RoleBinding of the driver's ServiceAccount to the driver ClusterRole. */
  public String roleBinding() {
    return pod();
  }

  /**
   * The Secret holding the key the driver and its executors authenticate each other with ({@code
   * spark.authenticate}); the operator creates it once and never shows its value.
   */
  public String sparkAuthSecret() {
    return fit(base, "-spark-auth", DNS_LABEL);
  }

  /**
   * The prefix of the names of the executor pods one driver run asks for ({@code
   * spark.kubernetes.executor.podNamePrefix}): the pipeline's, then the run's, so a replacement
   * driver's executors never take the names of its predecessor's, which may still be terminating.
   */
  public String executorPodPrefix(DriverRun run) {
    return fit(base, "-" + run.id(), EXECUTOR_PREFIX);
  }

  /**
   * The driver pod's labels: the pipeline's, and those Spark's tooling selects a driver and its
   * executors by ({@code spark-role}, {@code spark-app-selector}, which Spark puts on the executor
   * pods of the same run).
   */
  public Map<String, String> driverPodLabels(DriverRun run) {
    Map<String, String> labels = podLabels(DRIVER);
    labels.put(SPARK_ROLE_LABEL, DRIVER);
    labels.put(SPARK_APP_LABEL, run.applicationId());
    return labels;
  }

  /** The in-cluster DNS name of the driver's Service. */
  public String driverHost() {
    return service() + "." + namespace + ".svc";
  }

  /** Labels every driver-side object carries; the driver pod adds {@link #COMPONENT_LABEL}. */
  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME_LABEL, NAME);
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    labels.put(PIPELINE_LABEL, labelValue(pipeline));
    return labels;
  }

  /** Labels of a pod of {@code component} ({@link #DRIVER} or {@link #EXECUTOR}). */
  public Map<String, String> podLabels(String component) {
    Map<String, String> labels = labels();
    labels.put(COMPONENT_LABEL, component);
    return labels;
  }

  /** What the Service selects: this pipeline's driver pod, never its executors. */
  public Map<String, String> driverSelector() {
    return Map.of(PIPELINE_LABEL, labelValue(pipeline), COMPONENT_LABEL, DRIVER);
  }

  /** The label selector of every operator-made driver pod, for the pod informer. */
  public static String driverPodSelector() {
    return MANAGED_BY_LABEL + "=" + MANAGED_BY + "," + COMPONENT_LABEL + "=" + DRIVER;
  }

  /** The controller owner reference that ties a child to its pipeline. */
  public static OwnerReference ownerReference(StreamingPipeline pipeline) {
    return new OwnerReferenceBuilder()
        .withApiVersion(pipeline.getApiVersion())
        .withKind(pipeline.getKind())
        .withName(pipeline.getMetadata().getName())
        .withUid(pipeline.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  // Object names may hold dots and start with a digit; DNS labels may not.
  static String dnsLabel(String name) {
    String label = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return Character.isLetter(label.charAt(0)) ? label : "sp-" + label;
  }

  // Label values are at most 63 characters; longer names keep a prefix and a hash, so they stay
  // unique.
  public static String labelValue(String name) {
    return name.length() <= DNS_LABEL ? name : fit(name, "", DNS_LABEL);
  }

  static String fit(String base, String suffix, int max) {
    if (base.length() + suffix.length() <= max) {
      return base + suffix;
    }
    String hash = sha256(base).substring(0, 8);
    String head =
        base.substring(0, max - suffix.length() - hash.length() - 1).replaceAll("[-.]+$", "");
    return head + "-" + hash + suffix;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
