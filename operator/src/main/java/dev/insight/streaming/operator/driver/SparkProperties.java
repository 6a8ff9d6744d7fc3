package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.MemorySizes;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DriverResources;
import dev.insight.streaming.operator.api.spec.ExecutorResources;
import dev.insight.streaming.operator.api.spec.JobSpec;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Spark properties file spark-submit gets in the driver pod: client mode against the in-cluster
 * API, the driver reachable through its headless Service, executors sized from the spec, and the
 * user's extra sparkConf (which the spec validator keeps away from everything set here).
 */
public final class SparkProperties {

  private SparkProperties() {}

  /** The properties for {@code pipeline}, sorted by key. */
  public static SortedMap<String, String> of(
      StreamingPipeline pipeline, DriverNames names, SecretEnv secrets, String javaOptions) {
    JobSpec job = pipeline.getSpec().getJob();
    DriverResources driver = job.getDriver() != null ? job.getDriver() : new DriverResources();
    ExecutorResources executor =
        job.getExecutor() != null ? job.getExecutor() : new ExecutorResources();
    SortedMap<String, String> props = new TreeMap<>();
    if (job.getSparkConf() != null) {
      props.putAll(job.getSparkConf());
    }
    props.put("spark.master", DriverContract.IN_CLUSTER_MASTER);
    props.put("spark.submit.deployMode", "client");
    props.put("spark.app.name", pipeline.getMetadata().getName());
    props.put("spark.kubernetes.namespace", names.namespace());
    // executors get the driver pod as owner, so Kubernetes removes them with it
    props.put("spark.kubernetes.driver.pod.name", names.pod());
    props.put("spark.kubernetes.container.image", job.getImage());
    props.put("spark.kubernetes.container.image.pullPolicy", "IfNotPresent");
    // spark.app.id and spark.kubernetes.executor.podNamePrefix differ per run: the driver pod's
    // arguments carry them (DriverPodFactory.arguments)
    props.put(
        "spark.kubernetes.executor.podTemplateFile",
        DriverContract.configPath(DriverContract.EXECUTOR_TEMPLATE_KEY));
    props.put(
        "spark.kubernetes.executor.podTemplateContainerName", DriverContract.EXECUTOR_CONTAINER);
    props.put("spark.kubernetes.executor.deleteOnTermination", "true");
    // the driver's Service is the operator's and no claims are used: Spark's stop deletes neither
    // (so the driver's Role needs no rights on services or persistentvolumeclaims)
    props.put("spark.kubernetes.driver.service.deleteOnTermination", "false");
    props.put("spark.kubernetes.driver.ownPersistentVolumeClaim", "false");
    props.put("spark.kubernetes.driver.reusePersistentVolumeClaim", "false");
    // executors write the sinks and read Kafka, so they need the same credentials, by reference
    // only
    secrets
        .variables()
        .forEach(
            v ->
                props.put(
                    "spark.kubernetes.executor.secretKeyRef." + v.name(),
                    v.secret() + ":" + v.key()));
    // client mode reads no credentials by itself: the pod's own ServiceAccount token and CA
    props.put(
        "spark.kubernetes.authenticate.oauthTokenFile",
        DriverContract.SERVICE_ACCOUNT_DIR + "/token");
    props.put(
        "spark.kubernetes.authenticate.caCertFile", DriverContract.SERVICE_ACCOUNT_DIR + "/ca.crt");
    // driver and executors prove themselves to each other with the per-pipeline key and encrypt
    // what they send. The driver reads the key from its mounted file; each executor from the
    // variable Spark's executors read it from, filled by its own secretKeyRef (with a key file
    // named, Spark puts no key value in the executor pods it creates)
    props.put("spark.authenticate", "true");
    props.put("spark.authenticate.secret.file", DriverContract.sparkAuthFile());
    props.put(
        "spark.kubernetes.executor.secretKeyRef." + DriverContract.SPARK_AUTH_ENV,
        names.sparkAuthSecret() + ":" + DriverContract.SPARK_AUTH_ENV_KEY);
    props.put("spark.network.crypto.enabled", "true");
    props.put("spark.driver.host", names.driverHost());
    props.put("spark.driver.port", Integer.toString(DriverContract.DRIVER_PORT));
    props.put(
        "spark.driver.blockManager.port", Integer.toString(DriverContract.BLOCK_MANAGER_PORT));
    props.put("spark.blockManager.port", Integer.toString(DriverContract.BLOCK_MANAGER_PORT));
    props.put("spark.ui.port", Integer.toString(DriverContract.UI_PORT));
    props.put("spark.driver.cores", Integer.toString(driver.getCores()));
    props.put("spark.driver.memory", MemorySizes.mebibytes(driver.getMemory()) + "m");
    props.put("spark.executor.instances", Integer.toString(executor.getInstances()));
    props.put("spark.executor.cores", Integer.toString(executor.getCores()));
    props.put("spark.executor.memory", MemorySizes.mebibytes(executor.getMemory()) + "m");
    if (executor.getCpuLimit() != null) {
      props.put("spark.kubernetes.executor.limit.cores", executor.getCpuLimit());
    }
    props.put("spark.driver.extraJavaOptions", javaOptions);
    props.put("spark.executor.extraJavaOptions", javaOptions);
    props.put("spark.dynamicAllocation.enabled", "false");
    props.put(
        "spark.streaming.backpressure.enabled",
        String.valueOf(!Boolean.FALSE.equals(job.getBackpressure())));
    if (job.getMaxRatePerPartition() != null) {
      props.put(
          "spark.streaming.kafka.maxRatePerPartition", job.getMaxRatePerPartition().toString());
    }
    // the job stops itself gracefully on SIGTERM (batch done, offsets stored); Spark's hook would
    // stop it twice
    props.put("spark.streaming.stopGracefullyOnShutdown", "false");
    return props;
  }

  /**
   * The properties as a Java properties file, one sorted line per key, with no timestamp, so equal
   * maps render equal.
   */
  public static String render(Map<String, String> properties) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(properties)
        .forEach(
            (key, value) ->
                text.append(escape(key, true))
                    .append('=')
                    .append(escape(value, false))
                    .append('\n'));
    return text.toString();
  }

  // the escapes of java.util.Properties.store, which itself cannot be used: it writes a date and an
  // unstable order
  static String escape(String text, boolean key) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\f' -> out.append("\\f");
        case '=', ':', '#', '!' -> out.append('\\').append(c);
        case ' ' -> out.append(i == 0 || key ? "\\ " : " ");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
