package dev.insight.streaming.operator.driver;

import dev.insight.streaming.jobconfig.JobContract;
import dev.insight.streaming.operator.api.Durations;
import dev.insight.streaming.operator.api.MemorySizes;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DriverResources;
import dev.insight.streaming.operator.api.spec.ExecutorResources;
import dev.insight.streaming.operator.api.spec.JobSpec;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The driver pod: the Spark image's {@code driver} entrypoint (spark-submit in client mode, so
 * Spark itself creates the executors), configured from the mounted ConfigMap, credentials from
 * {@code secretKeyRef}, locked down, and given time to finish its batch and store its offsets when
 * stopped. Also the executors' pod template.
 */
public final class DriverPodFactory {

  static final String CONFIG_VOLUME = "pipeline-config";

  static final String SPARK_AUTH_VOLUME = "spark-auth";

  static final String LOCAL_DIR_VOLUME = "spark-local-dir";

  /** Owner and group (the Spark user, through fsGroup) may read the authentication key. */
  static final int SPARK_AUTH_MODE = 0440;

  /** Spark's own default for the memory a JVM needs beyond its heap: 10%, at least 384 MiB. */
  static final long MIN_OVERHEAD_MIB = 384;

  static final double OVERHEAD_FACTOR = 0.10;

  /**
   * A stop waits for the running batch and the offset writes; this much on top of two batch
   * intervals.
   */
  static final Duration STOP_MARGIN = Duration.ofSeconds(30);

  static final Duration MIN_GRACE = Duration.ofSeconds(60);

  private DriverPodFactory() {}

  /**
   * The driver pod of {@code pipeline}, annotated with {@code specHash} and {@code secretVersions}
   * (see {@link DriverContract#SECRET_VERSIONS_ANNOTATION}).
   */
  public static Pod pod(
      StreamingPipeline pipeline,
      DriverNames names,
      SecretEnv secrets,
      String specHash,
      String secretVersions,
      DriverRun run) {
    JobSpec job = pipeline.getSpec().getJob();
    DriverResources driver = job.getDriver() != null ? job.getDriver() : new DriverResources();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(names.pod())
            .withNamespace(names.namespace())
            .withLabels(names.driverPodLabels(run))
            .addToAnnotations(DriverContract.SPEC_HASH_ANNOTATION, specHash)
            .addToAnnotations(DriverContract.SECRET_VERSIONS_ANNOTATION, secretVersions)
            .withOwnerReferences(DriverNames.ownerReference(pipeline))
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName(names.serviceAccount())
            // Spark's client reads the pod's token to create executors
            .withAutomountServiceAccountToken(true)
            // the operator restarts the driver, with backoff and a budget; the kubelet must not
            .withRestartPolicy("Never")
            .withTerminationGracePeriodSeconds(gracePeriod(job).toSeconds())
            .withSecurityContext(podSecurity())
            .addNewContainer()
            .withName(DriverContract.DRIVER_CONTAINER)
            .withImage(job.getImage())
            .withImagePullPolicy("IfNotPresent")
            .withArgs(arguments(names, run))
            .withEnv(env(secrets))
            .withPorts(ports())
            .withResources(resources(driver, job.getSparkConf()))
            .withSecurityContext(containerSecurity())
            .addNewVolumeMount()
            .withName(CONFIG_VOLUME)
            .withMountPath(DriverContract.CONFIG_DIR)
            .withReadOnly(true)
            .endVolumeMount()
            .addToVolumeMounts(sparkAuthMount())
            .addNewVolumeMount()
            .withName(LOCAL_DIR_VOLUME)
            .withMountPath(DriverContract.LOCAL_DIR)
            .endVolumeMount()
            // not FallbackToLogsOnError: log lines could carry a credential into
            // status.driver.lastFailure
            .withTerminationMessagePolicy("File")
            .endContainer()
            .addNewVolume()
            .withName(CONFIG_VOLUME)
            .withNewConfigMap()
            .withName(names.configMap())
            .endConfigMap()
            .endVolume()
            .addToVolumes(sparkAuthVolume(names))
            // Spark's scratch space (shuffle, spills, broadcast files) on a volume, not the image's
            // writable layer, as Spark gives its executors
            .addNewVolume()
            .withName(LOCAL_DIR_VOLUME)
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .endSpec()
            .build();
    return PodTemplates.merge(pod, driver.getPodTemplate(), DriverContract.DRIVER_CONTAINER);
  }

  /**
   * What the Spark image's entrypoint gets: {@code driver}, then spark-submit's arguments: the
   * mounted properties, and what differs per run (the application id and the executors' name
   * prefix, so a replacement driver's executors never collide with its predecessor's, still
   * terminating).
   */
  public static List<String> arguments(DriverNames names, DriverRun run) {
    return List.of(
        DriverContract.ENTRYPOINT_DRIVER,
        "--properties-file",
        DriverContract.configPath(DriverContract.SPARK_PROPERTIES_KEY),
        "--conf",
        "spark.app.id=" + run.applicationId(),
        "--conf",
        "spark.kubernetes.executor.podNamePrefix=" + names.executorPodPrefix(run),
        "--class",
        JobContract.MAIN_CLASS,
        DriverContract.JOB_JAR,
        DriverContract.configPath(DriverContract.JOB_CONFIG_KEY));
  }

  /**
   * The executors' pod template: labels and the same lock-down as the driver; Spark fills in the
   * rest.
   */
  public static Pod executorTemplate(DriverNames names, ExecutorResources executor) {
    Pod template =
        new PodBuilder()
            .withNewMetadata()
            .withLabels(names.podLabels(DriverNames.EXECUTOR))
            .endMetadata()
            .withNewSpec()
            .withAutomountServiceAccountToken(false)
            .withSecurityContext(podSecurity())
            .addNewContainer()
            .withName(DriverContract.EXECUTOR_CONTAINER)
            .withSecurityContext(containerSecurity())
            .endContainer()
            .endSpec()
            .build();
    return PodTemplates.merge(
        template,
        executor == null ? null : executor.getPodTemplate(),
        DriverContract.EXECUTOR_CONTAINER);
  }

  private static Volume sparkAuthVolume(DriverNames names) {
    return new VolumeBuilder()
        .withName(SPARK_AUTH_VOLUME)
        .withNewSecret()
        .withSecretName(names.sparkAuthSecret())
        .withDefaultMode(SPARK_AUTH_MODE)
        .withOptional(false)
        .endSecret()
        .build();
  }

  private static VolumeMount sparkAuthMount() {
    return new VolumeMountBuilder()
        .withName(SPARK_AUTH_VOLUME)
        .withMountPath(DriverContract.SPARK_AUTH_DIR)
        .withReadOnly(true)
        .build();
  }

  /** Long enough for the job to finish the running batch and store its offsets after SIGTERM. */
  public static Duration gracePeriod(JobSpec job) {
    Duration batch =
        job.getBatchInterval() == null
            ? Duration.ofSeconds(5)
            : Durations.parse(job.getBatchInterval());
    Duration wanted = batch.multipliedBy(2).plus(STOP_MARGIN);
    return wanted.compareTo(MIN_GRACE) < 0 ? MIN_GRACE : wanted;
  }

  /**
   * The container's memory: the heap plus the overhead the JVM needs beyond it, as Spark sizes it:
   * {@code spark.driver.memoryOverhead} from sparkConf when set, else the heap times {@code
   * spark.driver.memoryOverheadFactor} (default 0.10), at least 384 MiB. SpecValidator has refused
   * values that do not parse.
   */
  static long containerMemoryMib(String heap, Map<String, String> sparkConf) {
    long mib = MemorySizes.mebibytes(heap);
    Map<String, String> conf = sparkConf == null ? Map.of() : sparkConf;
    String overhead = conf.get(MemorySizes.DRIVER_OVERHEAD_KEY);
    if (overhead != null) {
      return mib + MemorySizes.sparkMebibytes(overhead);
    }
    String factor = conf.get(MemorySizes.DRIVER_OVERHEAD_FACTOR_KEY);
    double f = factor == null ? OVERHEAD_FACTOR : Double.parseDouble(factor.trim());
    return mib + Math.max(MIN_OVERHEAD_MIB, (long) Math.ceil(mib * f));
  }

  private static List<EnvVar> env(SecretEnv secrets) {
    List<EnvVar> env = new ArrayList<>();
    env.add(
        new EnvVarBuilder()
            .withName(DriverContract.BIND_ADDRESS_ENV)
            .withNewValueFrom()
            .withNewFieldRef()
            .withApiVersion("v1")
            .withFieldPath("status.podIP")
            .endFieldRef()
            .endValueFrom()
            .build());
    env.add(
        new EnvVarBuilder()
            .withName(DriverContract.LOCAL_DIRS_ENV)
            .withValue(DriverContract.LOCAL_DIR)
            .build());
    env.add(
        new EnvVarBuilder()
            .withName(JobContract.CONFIG_ENV)
            .withValue(DriverContract.configPath(DriverContract.JOB_CONFIG_KEY))
            .build());
    for (SecretEnv.Variable v : secrets.variables()) {
      env.add(
          new EnvVarBuilder()
              .withName(v.name())
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(v.secret())
              .withKey(v.key())
              .withOptional(false)
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    return env;
  }

  private static List<ContainerPort> ports() {
    return List.of(
        port("driver-rpc", DriverContract.DRIVER_PORT),
        port("blockmanager", DriverContract.BLOCK_MANAGER_PORT),
        port("spark-ui", DriverContract.UI_PORT));
  }

  private static ContainerPort port(String name, int number) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(number)
        .withProtocol("TCP")
        .build();
  }

  private static ResourceRequirements resources(
      DriverResources driver, Map<String, String> sparkConf) {
    Quantity cpu = new Quantity(Integer.toString(driver.getCores()));
    Quantity memory = new Quantity(containerMemoryMib(driver.getMemory(), sparkConf) + "Mi");
    ResourceRequirementsBuilder resources =
        new ResourceRequirementsBuilder()
            .addToRequests("cpu", cpu)
            .addToRequests("memory", memory)
            .addToLimits("memory", memory);
    // no CPU limit unless asked for, as Spark: a limit equal to the request throttles the JVM at
    // start-up, in GC and in batch bursts
    if (driver.getCpuLimit() != null) {
      resources.addToLimits("cpu", new Quantity(driver.getCpuLimit()));
    }
    return resources.build();
  }

  private static PodSecurityContext podSecurity() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(DriverContract.SPARK_UID)
        .withRunAsGroup(DriverContract.SPARK_UID)
        .withFsGroup(DriverContract.SPARK_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private static SecurityContext containerSecurity() {
    Capabilities none = new CapabilitiesBuilder().withDrop("ALL").build();
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withAllowPrivilegeEscalation(false)
        .withCapabilities(none)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }
}
