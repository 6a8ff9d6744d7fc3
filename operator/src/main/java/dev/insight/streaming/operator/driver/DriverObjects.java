package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.rbac.OperatorAccess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The objects a driver pod stands on, each owned by the pipeline: its ConfigMap (JobConfig, Spark
 * properties, executor template), the headless Service that is {@code spark.driver.host}, and the
 * ServiceAccount, Role and RoleBinding that let it manage its executors and nothing else (the
 * Role's rules come from {@link OperatorAccess}).
 */
public final class DriverObjects {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private DriverObjects() {}

  /** The ConfigMap the driver pod mounts; it names credentials' variables, never their values. */
  public static ConfigMap configMap(
      StreamingPipeline pipeline, DriverNames names, SecretEnv secrets, String javaOptions) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(DriverContract.JOB_CONFIG_KEY, JobConfigRenderer.render(pipeline, secrets));
    data.put(
        DriverContract.SPARK_PROPERTIES_KEY,
        SparkProperties.render(SparkProperties.of(pipeline, names, secrets, javaOptions)));
    data.put(
        DriverContract.EXECUTOR_TEMPLATE_KEY,
        YAML.asYaml(
            DriverPodFactory.executorTemplate(names, pipeline.getSpec().getJob().getExecutor())));
    return new ConfigMapBuilder()
        .withMetadata(meta(pipeline, names.configMap(), names))
        .withData(data)
        .build();
  }

  /**
   * The headless Service executors reach the driver's RPC and block manager through; also the UI.
   */
  public static Service service(StreamingPipeline pipeline, DriverNames names) {
    return new ServiceBuilder()
        .withMetadata(meta(pipeline, names.service(), names))
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(names.driverSelector())
        // executors connect while the driver starts, before any readiness
        .withPublishNotReadyAddresses(true)
        .addNewPort()
        .withName("driver-rpc")
        .withPort(DriverContract.DRIVER_PORT)
        .withNewTargetPort(DriverContract.DRIVER_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("blockmanager")
        .withPort(DriverContract.BLOCK_MANAGER_PORT)
        .withNewTargetPort(DriverContract.BLOCK_MANAGER_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("spark-ui")
        .withPort(DriverContract.UI_PORT)
        .withNewTargetPort(DriverContract.UI_PORT)
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * The key the driver and its executors authenticate each other with: 32 random bytes, made once
   * per pipeline, read only by the pods that mount it.
   */
  public static Secret sparkAuthSecret(StreamingPipeline pipeline, DriverNames names) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return new SecretBuilder()
        .withMetadata(meta(pipeline, names.sparkAuthSecret(), names))
        .withType("Opaque")
        .addToData(DriverContract.SPARK_AUTH_KEY, BASE64.encodeToString(key))
        // Spark's key is the base64 of the file's bytes: the executors' variable holds that text
        .addToData(DriverContract.SPARK_AUTH_ENV_KEY, BASE64.encodeToString(BASE64.encode(key)))
        .build();
  }

  public static ServiceAccount serviceAccount(StreamingPipeline pipeline, DriverNames names) {
    return new ServiceAccountBuilder()
        .withMetadata(meta(pipeline, names.serviceAccount(), names))
        .build();
  }

  /**
   * Binds the driver ClusterRole {@code clusterRole} to the pipeline's ServiceAccount in the
   * pipeline's namespace: its executors' pods and config maps there, nothing elsewhere.
   */
  public static RoleBinding roleBinding(
      StreamingPipeline pipeline, DriverNames names, String clusterRole) {
    return new RoleBindingBuilder()
        .withMetadata(meta(pipeline, names.roleBinding(), names))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("ClusterRole")
        .withName(clusterRole)
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(names.serviceAccount())
        .withNamespace(names.namespace())
        .endSubject()
        .build();
  }

  private static ObjectMeta meta(StreamingPipeline pipeline, String name, DriverNames names) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(names.namespace())
        .withLabels(names.labels())
        .withOwnerReferences(DriverNames.ownerReference(pipeline))
        .build();
  }
}
