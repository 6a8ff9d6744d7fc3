package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.StreamingPipeline;
import java.util.List;

/**
 * What a driver pod looks like from outside, in one place: the job image's layout, the ConfigMap's
 * keys, the ports, the annotations. Whatever runs driver pods (a kubelet, the local cluster's pod
 * runner) relies on these.
 */
public final class DriverContract {

  /** The job's jar inside the image (see docker/pipeline-job/Dockerfile). */
  public static final String JOB_JAR = "local:///opt/pipeline/pipeline-job.jar";

  /** The Spark image's entrypoint argument that runs spark-submit in client mode inside the pod. */
  public static final String ENTRYPOINT_DRIVER = "driver";

  /** The in-cluster API server, as Spark's master URL. */
  public static final String IN_CLUSTER_MASTER = "k8s://https://kubernetes.default.svc:443";

  /**
   * The Spark image's user (uid 185 in the official images); numeric so runAsNonRoot can be
   * checked.
   */
  public static final long SPARK_UID = 185L;

  /** Where the driver's ConfigMap is mounted. */
  public static final String CONFIG_DIR = "/etc/streaming-pipeline";

  /** ConfigMap key of the JobConfig document. */
  public static final String JOB_CONFIG_KEY = "jobconfig.json";

  /** ConfigMap key of the Spark properties file passed to spark-submit. */
  public static final String SPARK_PROPERTIES_KEY = "spark.properties";

  /** ConfigMap key of the executor pod template. */
  public static final String EXECUTOR_TEMPLATE_KEY = "executor-pod-template.yaml";

  /** The container Spark's own tooling expects the driver in. */
  public static final String DRIVER_CONTAINER = "spark-kubernetes-driver";

  /** The container name Spark gives executors; the template uses it too. */
  public static final String EXECUTOR_CONTAINER = "spark-kubernetes-executor";

  public static final int DRIVER_PORT = 7078;
  public static final int BLOCK_MANAGER_PORT = 7079;
  public static final int UI_PORT = 4040;

  /**
   * Pod annotation: the hash of the spec fields whose change needs a new driver (see
   * SpecChangeRules).
   */
  public static final String SPEC_HASH_ANNOTATION = StreamingPipeline.GROUP + "/driver-spec-hash";

  /**
   * Pod annotation: the resourceVersion of each Secret the driver's environment comes from, as
   * {@code name=version} pairs sorted by name; a Secret edited since makes the operator start the
   * driver anew.
   */
  public static final String SECRET_VERSIONS_ANNOTATION =
      StreamingPipeline.GROUP + "/driver-secret-versions";

  /**
   * Where the per-pipeline Spark authentication Secret is mounted in the driver; {@code
   * spark.authenticate.secret.file} names the file, so the key never enters a SparkConf.
   */
  public static final String SPARK_AUTH_DIR = "/var/run/secrets/streaming-pipeline/spark-auth";

  /**
   * The key of the Spark authentication Secret holding the key's bytes, and the file name the
   * driver reads them from.
   */
  public static final String SPARK_AUTH_KEY = "secret";

  /**
   * The key of the same Secret holding the key as Spark uses it (base64 of the bytes), for the
   * executors' {@link #SPARK_AUTH_ENV}.
   */
  public static final String SPARK_AUTH_ENV_KEY = "secret.base64";

  /** The variable a Spark executor reads the authentication key from. */
  public static final String SPARK_AUTH_ENV = "_SPARK_AUTH_SECRET";

  /** Where a pod's ServiceAccount token, CA and namespace are mounted. */
  public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

  /** Environment variable the Spark image's entrypoint binds the driver to (the pod's IP). */
  public static final String BIND_ADDRESS_ENV = "SPARK_DRIVER_BIND_ADDRESS";

  /**
   * Where the driver's scratch space (an emptyDir) is mounted; Spark reads it from the variable.
   */
  public static final String LOCAL_DIR = "/var/data/spark-local-dir";

  /**
   * Paths the operator or Spark mount in the main containers; a pod template's mounts stay off them
   * (Spark mounts its conf and, in executors, local dirs under /opt/spark and /var/data).
   */
  public static final List<String> RESERVED_MOUNT_PATHS =
      List.of(
          CONFIG_DIR,
          SPARK_AUTH_DIR,
          SERVICE_ACCOUNT_DIR,
          // Spark's local dirs: the driver's LOCAL_DIR, the executors' spark-local-dir-N
          "/var/data",
          // the executors' Spark configuration, mounted by Spark
          "/opt/spark/conf");

  /** The variable Spark takes its local dirs from, over {@code spark.local.dir}. */
  public static final String LOCAL_DIRS_ENV = "SPARK_LOCAL_DIRS";

  private DriverContract() {}

  /** The mounted path of the Spark authentication secret. */
  public static String sparkAuthFile() {
    return SPARK_AUTH_DIR + "/" + SPARK_AUTH_KEY;
  }

  /** The mounted path of a ConfigMap key. */
  public static String configPath(String key) {
    return CONFIG_DIR + "/" + key;
  }
}
