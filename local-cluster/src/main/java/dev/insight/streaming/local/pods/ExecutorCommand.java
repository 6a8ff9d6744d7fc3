package dev.insight.streaming.local.pods;

import dev.insight.streaming.local.pods.DriverCommand.UnsupportedPodException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What the Spark image's {@code executor} entrypoint runs, as one local JVM: the Java options Spark
 * put in the pod's {@code SPARK_JAVA_OPT_<n>} variables in their order, the heap from {@code
 * SPARK_EXECUTOR_MEMORY} (as both -Xms and -Xmx), the class path with {@code SPARK_CONF_DIR} and
 * {@code SPARK_CLASSPATH} ahead of the image's jars, and Spark's Kubernetes executor backend with
 * the driver URL, executor id, cores, application id, pod address, resource profile and pod name
 * from the pod's environment. An option whose value is a path inside one of the pod's volumes is
 * pointed at the volume's local folder, as the container's mount would.
 *
 * @param jvmOptions the executor JVM's options
 * @param classpathHead the configuration folder and extra class path, ahead of the image's jars
 * @param mainClass Spark's executor backend
 * @param args the backend's arguments
 */
record ExecutorCommand(
    List<String> jvmOptions, List<Path> classpathHead, String mainClass, List<String> args)
    implements JvmCommand {

  /** The Spark image's entrypoint argument that starts an executor. */
  static final String ENTRYPOINT_EXECUTOR = "executor";

  static final String BACKEND = "org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend";

  static final String JAVA_OPT_PREFIX = "SPARK_JAVA_OPT_";

  /**
   * Builds the command for an executor container.
   *
   * @param args the container's arguments, {@code executor} only
   * @param env the container's environment, resolved, with in-pod paths already mapped
   * @param isMounted whether a path inside the pod lies in one of its volumes
   * @param inPodPath maps such a path to the local file the volume put there
   * @param scratch the pod's scratch folder
   */
  static ExecutorCommand of(
      List<String> args,
      Map<String, String> env,
      Predicate<String> isMounted,
      Function<String, Path> inPodPath,
      Path scratch) {
    if (!List.of(ENTRYPOINT_EXECUTOR).equals(args)) {
      throw new UnsupportedPodException(
          "an executor container's arguments must be exactly ['"
              + ENTRYPOINT_EXECUTOR
              + "'], not "
              + args);
    }
    List<String> jvm = new ArrayList<>();
    env.entrySet().stream()
        .filter(e -> e.getKey().startsWith(JAVA_OPT_PREFIX))
        .sorted(Comparator.comparingLong(e -> index(e.getKey())))
        .map(e -> mapPath(e.getValue(), isMounted, inPodPath))
        .forEach(jvm::add);
    String memory = required(env, "SPARK_EXECUTOR_MEMORY");
    jvm.add("-Xms" + memory);
    jvm.add("-Xmx" + memory);
    jvm.add("-Djava.io.tmpdir=" + scratch);
    List<Path> head = new ArrayList<>();
    if (env.containsKey("SPARK_CONF_DIR")) {
      head.add(Path.of(env.get("SPARK_CONF_DIR")));
    }
    String extra = env.get("SPARK_CLASSPATH");
    if (extra != null && !extra.isBlank()) {
      for (String entry : extra.split(":")) {
        if (!entry.isBlank()) {
          head.add(Path.of(entry));
        }
      }
    }
    List<String> backendArgs =
        List.of(
            "--driver-url", required(env, "SPARK_DRIVER_URL"),
            "--executor-id", required(env, "SPARK_EXECUTOR_ID"),
            "--cores", required(env, "SPARK_EXECUTOR_CORES"),
            "--app-id", required(env, "SPARK_APPLICATION_ID"),
            "--hostname", required(env, "SPARK_EXECUTOR_POD_IP"),
            "--resourceProfileId", required(env, "SPARK_RESOURCE_PROFILE_ID"),
            "--podName", required(env, "SPARK_EXECUTOR_POD_NAME"));
    return new ExecutorCommand(jvm, head, BACKEND, backendArgs);
  }

  private static long index(String variable) {
    try {
      return Long.parseLong(variable.substring(JAVA_OPT_PREFIX.length()));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  // -Dkey=/in/pod/path: the container would see the volume there
  private static String mapPath(
      String option, Predicate<String> isMounted, Function<String, Path> inPodPath) {
    int eq = option.indexOf('=');
    if (!option.startsWith("-D") || eq < 0) {
      return option;
    }
    String value = option.substring(eq + 1);
    return isMounted.test(value) ? option.substring(0, eq + 1) + inPodPath.apply(value) : option;
  }

  private static String required(Map<String, String> env, String variable) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      throw new UnsupportedPodException(
          "the executor pod sets no " + variable + ", which the Spark image's entrypoint needs");
    }
    return value;
  }
}
