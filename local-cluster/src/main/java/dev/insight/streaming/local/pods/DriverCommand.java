package dev.insight.streaming.local.pods;

import dev.insight.streaming.operator.driver.DriverContract;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the Spark image's {@code driver} entrypoint would run (spark-submit in client mode), as one
 * local JVM: spark-submit's options read the way it reads them, its properties handed to the driver
 * as system properties, the driver's memory and Java options applied to the JVM. A few properties
 * change because this machine is not a cluster; {@link #LOCAL_OVERRIDES} lists them and says why.
 *
 * @param jvmOptions options for the driver JVM (heap, the driver's Java options, Spark's
 *     properties)
 * @param mainClass the application's main class
 * @param appArgs the application's arguments, with in-pod paths mapped to local files
 * @param sparkProperties every Spark property the driver sees, after the local overrides
 */
public record DriverCommand(
    List<String> jvmOptions,
    String mainClass,
    List<String> appArgs,
    Map<String, String> sparkProperties)
    implements JvmCommand {

  /** Properties naming files in the pod's volumes that the driver reads itself. */
  static final List<String> MOUNTED_FILE_PROPERTIES =
      List.of(
          "spark.kubernetes.authenticate.oauthTokenFile",
          "spark.kubernetes.authenticate.caCertFile",
          "spark.kubernetes.executor.podTemplateFile",
          // executors read the key from their own variable, never this file
          "spark.authenticate.secret.file");

  /** Why each property differs from the pod's, in one place. */
  static final Map<String, String> LOCAL_OVERRIDES =
      Map.ofEntries(
          Map.entry(
              "spark.master",
              "kubernetes.default.svc resolves in no DNS here: the same API server, by its local"
                  + " address"),
          Map.entry(
              "spark.driver.host",
              "the pod's Service name resolves in no DNS here; the driver is on this host"),
          Map.entry(
              "spark.driver.port",
              "several drivers share this host, so the pod's fixed ports would collide"),
          Map.entry(
              "spark.driver.blockManager.port", "several drivers and executors share this host"),
          Map.entry("spark.blockManager.port", "several drivers and executors share this host"),
          Map.entry(
              "spark.ui.enabled",
              "several drivers share this host, and nobody can reach a pod's UI here"),
          Map.entry(
              "spark.local.dir",
              "the pod's scratch space is its folder under the node agent's work dir"),
          Map.entry(
              "spark.kubernetes.authenticate.oauthTokenFile",
              "the pod's volumes are folders of the node agent here, not mounts"),
          Map.entry(
              "spark.kubernetes.authenticate.caCertFile",
              "the pod's volumes are folders of the node agent here, not mounts"),
          Map.entry(
              "spark.kubernetes.executor.podTemplateFile",
              "the pod's volumes are folders of the node agent here, not mounts"),
          Map.entry(
              "spark.authenticate.secret.file",
              "the pod's volumes are folders of the node agent here, not mounts"));

  /** A pod that cannot be run as a local JVM; the message is the container's waiting reason. */
  public static final class UnsupportedPodException extends RuntimeException {
    public UnsupportedPodException(String message) {
      super(message);
    }
  }

  /**
   * Builds the command for a driver container's arguments.
   *
   * @param args the container's arguments, {@code driver} first
   * @param inPodPath maps a path inside the pod to the local file a volume mount put there
   * @param bindAddress the value of the pod's {@code SPARK_DRIVER_BIND_ADDRESS}, as the entrypoint
   *     passes it on
   * @param apiServer the API server's local URL, which the pod would reach as {@code
   *     kubernetes.default.svc}
   * @param scratch the pod's scratch folder
   */
  public static DriverCommand of(
      List<String> args,
      Function<String, Path> inPodPath,
      String bindAddress,
      String apiServer,
      Path scratch) {
    if (args.isEmpty() || !DriverContract.ENTRYPOINT_DRIVER.equals(args.get(0))) {
      throw new UnsupportedPodException(
          "the local node agent only runs the Spark image's '"
              + DriverContract.ENTRYPOINT_DRIVER
              + "' entrypoint, not "
              + args);
    }
    Map<String, String> conf = new LinkedHashMap<>();
    Path propertiesFile = null;
    String mainClass = null;
    String primary = null;
    List<String> appArgs = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (primary != null) {
        appArgs.add(mapPath(arg, inPodPath));
        continue;
      }
      switch (arg) {
        case "--properties-file" -> propertiesFile = inPodPath.apply(value(args, ++i, arg));
        case "--class" -> mainClass = value(args, ++i, arg);
        case "--conf" -> {
          String kv = value(args, ++i, arg);
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new UnsupportedPodException("--conf " + kv + " is not key=value");
          }
          conf.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        case "--driver-memory" -> conf.put("spark.driver.memory", value(args, ++i, arg));
        case "--driver-java-options" ->
            conf.put("spark.driver.extraJavaOptions", value(args, ++i, arg));
        case "--name" -> conf.put("spark.app.name", value(args, ++i, arg));
        case "--master" -> conf.put("spark.master", value(args, ++i, arg));
        case "--deploy-mode" -> conf.put("spark.submit.deployMode", value(args, ++i, arg));
        case "--verbose" -> {
          // spark-submit's own chatter; nothing to do
        }
        default -> {
          if (arg.startsWith("--")) {
            throw new UnsupportedPodException(
                "spark-submit option " + arg + " is not supported by the local node agent");
          }
          primary = arg;
        }
      }
    }
    if (mainClass == null) {
      throw new UnsupportedPodException("the driver's arguments name no --class");
    }
    if (!DriverContract.JOB_JAR.equals(primary)) {
      throw new UnsupportedPodException(
          "the driver runs "
              + primary
              + "; the local node agent knows only the job"
              + " image's "
              + DriverContract.JOB_JAR);
    }
    // spark-submit's precedence: --conf over the properties file; the entrypoint adds the bind
    // address and mode
    Map<String, String> properties =
        new TreeMap<>(propertiesFile == null ? Map.of() : load(propertiesFile));
    properties.putAll(conf);
    if (bindAddress != null) {
      properties.put("spark.driver.bindAddress", bindAddress);
    }
    properties.put("spark.submit.deployMode", "client");
    properties.put("spark.master", "k8s://" + apiServer);
    for (String key : MOUNTED_FILE_PROPERTIES) {
      properties.computeIfPresent(key, (k, path) -> inPodPath.apply(path).toString());
    }
    properties.put("spark.driver.host", "127.0.0.1");
    properties.put("spark.driver.port", "0");
    properties.put("spark.driver.blockManager.port", "0");
    properties.put("spark.blockManager.port", "0");
    properties.put("spark.ui.enabled", "false");
    properties.put("spark.local.dir", scratch.toString());

    List<String> jvm = new ArrayList<>();
    String memory = properties.get("spark.driver.memory");
    if (memory != null) {
      jvm.add("-Xmx" + memory);
    }
    String javaOptions = properties.get("spark.driver.extraJavaOptions");
    if (javaOptions != null && !javaOptions.isBlank()) {
      jvm.addAll(List.of(javaOptions.strip().split("\\s+")));
    }
    jvm.add("-Djava.io.tmpdir=" + scratch);
    properties.forEach((key, value) -> jvm.add("-D" + key + "=" + value));
    return new DriverCommand(jvm, mainClass, appArgs, properties);
  }

  @Override
  public List<Path> classpathHead() {
    return List.of();
  }

  @Override
  public List<String> args() {
    return appArgs;
  }

  private static String mapPath(String arg, Function<String, Path> inPodPath) {
    return arg.startsWith("/") ? inPodPath.apply(arg).toString() : arg;
  }

  private static String value(List<String> args, int index, String option) {
    if (index >= args.size()) {
      throw new UnsupportedPodException("spark-submit option " + option + " has no value");
    }
    return args.get(index);
  }

  private static Map<String, String> load(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UnsupportedPodException(
          "cannot read the properties file " + file + ": " + e.getMessage());
    }
    Map<String, String> map = new TreeMap<>();
    properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k).strip()));
    return map;
  }
}
