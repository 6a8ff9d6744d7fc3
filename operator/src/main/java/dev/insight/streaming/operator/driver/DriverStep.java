package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import dev.insight.streaming.operator.api.status.DriverStatus;
import dev.insight.streaming.operator.changes.SpecChangeRules;
import dev.insight.streaming.operator.reconciler.CleanupOutcome;
import dev.insight.streaming.operator.reconciler.PipelineStep;
import dev.insight.streaming.operator.reconciler.RetryBackoff;
import dev.insight.streaming.operator.reconciler.StepOutcome;
import dev.insight.streaming.operator.secrets.SecretNotFoundException;
import dev.insight.streaming.operator.secrets.SecretResolver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline's Spark driver: keeps its ConfigMap, Service, ServiceAccount and RoleBinding
 * (to the driver ClusterRole) in place, and starts, stops, restarts and replaces the one driver pod
 * as {@link DriverLifecycle} decides. Reports the DriverRunning condition and {@code
 * status.driver}.
 */
public final class DriverStep implements PipelineStep {

  private static final Logger LOG = LoggerFactory.getLogger(DriverStep.class);
  static final Duration SECRET_RECHECK = Duration.ofSeconds(30);

  /** How long past its deletion deadline a stuck pod may hold up the pipeline's deletion. */
  static final Duration CLEANUP_PATIENCE = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final SecretResolver secrets;
  private final Clock clock;
  private final String driverClusterRole;
  private final String javaOptions;

  /**
   * @param driverClusterRole the ClusterRole each driver's ServiceAccount is bound to in its
   *     pipeline's namespace
   */
  public DriverStep(
      KubernetesClient client, SecretResolver secrets, Clock clock, String driverClusterRole) {
    this(client, secrets, clock, driverClusterRole, SparkJavaOptions.flags());
  }

  DriverStep(
      KubernetesClient client,
      SecretResolver secrets,
      Clock clock,
      String driverClusterRole,
      String javaOptions) {
    this.client = client;
    this.secrets = secrets;
    this.clock = clock;
    this.driverClusterRole = driverClusterRole;
    this.javaOptions = javaOptions;
  }

  /**
   * The event source that reconciles a pipeline when its driver pod changes phase or goes away: an
   * informer on the operator's driver pods (by label), mapped to their pipeline by owner reference.
   */
  public static InformerEventSource<Pod, StreamingPipeline> podEvents(
      EventSourceContext<StreamingPipeline> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, StreamingPipeline.class)
            .withName("driver-pods")
            .withLabelSelector(DriverNames.driverPodSelector())
            .withSecondaryToPrimaryMapper(
                Mappers.fromOwnerReferences(StreamingPipeline.class, false))
            .build(),
        context);
  }

  @Override
  public List<EventSource<?, StreamingPipeline>> eventSources(
      EventSourceContext<StreamingPipeline> context) {
    return List.of(podEvents(context));
  }

  /**
   * A suspended pipeline's driver is stopped even while topics or sinks are failing; nothing else
   * runs then.
   */
  @Override
  public Optional<StepOutcome> reconcileWhileBlocked(
      StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    return Boolean.TRUE.equals(pipeline.getSpec().getSuspend())
        ? Optional.of(reconcile(pipeline, context))
        : Optional.empty();
  }

  @Override
  public String condition() {
    return Conditions.DRIVER_RUNNING;
  }

  @Override
  public StepOutcome reconcile(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    DriverNames names = DriverNames.of(pipeline);
    StreamingPipelineSpec spec = pipeline.getSpec();
    boolean suspend = Boolean.TRUE.equals(spec.getSuspend());
    DriverSecrets driverSecrets;
    try {
      driverSecrets = driverSecrets(pipeline);
    } catch (SecretNotFoundException | IllegalArgumentException e) {
      // without them the pod would hang in CreateContainerConfigError; a suspended pipeline needs
      // none
      if (!suspend) {
        return StepOutcome.notReady(Reason.SECRET_NOT_FOUND, e.getMessage(), SECRET_RECHECK);
      }
      driverSecrets = null;
    }
    SecretEnv env = driverSecrets == null ? null : driverSecrets.env();
    String secretVersions = driverSecrets == null ? "" : driverSecrets.versions();
    PodResource podResource = client.pods().inNamespace(names.namespace()).withName(names.pod());
    Pod found;
    try {
      if (env != null) {
        ensureSupportObjects(pipeline, names);
      }
      found = podResource.get();
      if (found != null && !DriverNames.controlledBy(found, pipeline)) {
        throw new NameConflictException(found, pipeline);
      }
      Optional<StepOutcome> earlier = stopEarlierPod(pipeline, names);
      if (earlier.isPresent()) {
        return earlier.get();
      }
    } catch (NameConflictException e) {
      return nameConflict(pipeline, e);
    }
    Optional<DriverPodState> pod = Optional.ofNullable(found).map(DriverPodState::of);
    DriverStatus previous = pipeline.getStatus() == null ? null : pipeline.getStatus().getDriver();
    DriverLifecycle.Wish wish =
        new DriverLifecycle.Wish(
            suspend,
            SpecChangeRules.driverHash(spec),
            secretVersions,
            RestartPolicy.of(spec.getJob().getRestartPolicy()));
    DriverLifecycle.Decision decision =
        DriverLifecycle.decide(names.pod(), pod, previous, wish, clock.instant());
    switch (decision.action()) {
      case CREATE -> {
        boolean created;
        try {
          created = create(pipeline, names, env, wish);
        } catch (NameConflictException e) {
          return nameConflict(pipeline, e);
        }
        if (!created) {
          return StepOutcome.notReady(
              Reason.DRIVER_STARTING,
              "driver pod " + names.pod() + " appeared meanwhile; looking again",
              Duration.ofSeconds(1));
        }
      }
      case STOP_GRACEFULLY -> {
        Duration grace = DriverPodFactory.gracePeriod(spec.getJob());
        LOG.info(
            "stopping driver pod {}/{} gracefully ({}s): {}",
            names.namespace(),
            names.pod(),
            grace.toSeconds(),
            decision.message());
        podResource
            .withPropagationPolicy(DeletionPropagation.FOREGROUND)
            .withGracePeriod(grace.toSeconds())
            .delete();
      }
      case REMOVE_ENDED -> {
        LOG.info(
            "removing ended driver pod {}/{}: {}",
            names.namespace(),
            names.pod(),
            decision.message());
        podResource.withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
      }
      case NONE -> {}
    }
    StepOutcome outcome =
        decision.ready()
            ? StepOutcome.ready(decision.reason(), decision.message())
            : StepOutcome.notReady(decision.reason(), decision.message(), decision.recheckAfter());
    return outcome
        .recheckAfter(decision.recheckAfter())
        .withDetails(
            editor -> {
              // the decision was made from the driver status this reconcile read; if another write
              // changed it since
              // (a stale copy), the decision is not written over it: the next reconcile decides
              // again from the new one
              if (Objects.equals(editor.status().getDriver(), previous)) {
                editor.status().setDriver(decision.status());
              }
            });
  }

  /**
   * Stops the driver gracefully before the pipeline goes, so it stores its offsets (and topics may
   * go after).
   */
  @Override
  public CleanupOutcome cleanup(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    DriverNames names = DriverNames.of(pipeline);
    PodResource podResource = client.pods().inNamespace(names.namespace()).withName(names.pod());
    Pod pod = podResource.get();
    if (pod == null || !DriverNames.controlledBy(pod, pipeline)) {
      return CleanupOutcome.done();
    }
    String deadline = pod.getMetadata().getDeletionTimestamp();
    if (deadline == null) {
      podResource
          .withPropagationPolicy(DeletionPropagation.FOREGROUND)
          .withGracePeriod(DriverPodFactory.gracePeriod(pipeline.getSpec().getJob()).toSeconds())
          .delete();
      return CleanupOutcome.retryAfter(DriverLifecycle.TRANSITION_RECHECK);
    }
    if (clock.instant().isAfter(Instant.parse(deadline).plus(CLEANUP_PATIENCE))) {
      LOG.warn(
          "driver pod {}/{} is still terminating {} after its deadline; leaving it to the garbage collector",
          names.namespace(),
          names.pod(),
          CLEANUP_PATIENCE);
      return CleanupOutcome.done();
    }
    return CleanupOutcome.retryAfter(DriverLifecycle.TRANSITION_RECHECK);
  }

  private StepOutcome nameConflict(StreamingPipeline pipeline, NameConflictException e) {
    LOG.warn(
        "{}/{}: {}",
        pipeline.getMetadata().getNamespace(),
        pipeline.getMetadata().getName(),
        e.getMessage());
    return StepOutcome.notReady(
        Reason.NAME_CONFLICT, e.getMessage(), RetryBackoff.next(pipeline, condition(), clock));
  }

  /**
   * A driver pod this pipeline controls under the name an earlier operator gave it (before names
   * carried a hash) is stopped gracefully first, so two drivers never run at once.
   */
  private Optional<StepOutcome> stopEarlierPod(StreamingPipeline pipeline, DriverNames names) {
    if (names.earlierPod().isEmpty()) {
      return Optional.empty();
    }
    PodResource earlier =
        client.pods().inNamespace(names.namespace()).withName(names.earlierPod().get());
    Pod pod = earlier.get();
    if (pod == null || !DriverNames.controlledBy(pod, pipeline)) {
      return Optional.empty();
    }
    if (pod.getMetadata().getDeletionTimestamp() == null) {
      LOG.info(
          "stopping driver pod {}/{} (its name predates {}) gracefully",
          names.namespace(),
          names.earlierPod().get(),
          names.pod());
      earlier
          .withPropagationPolicy(DeletionPropagation.FOREGROUND)
          .withGracePeriod(DriverPodFactory.gracePeriod(pipeline.getSpec().getJob()).toSeconds())
          .delete();
    }
    return Optional.of(
        StepOutcome.notReady(
            Reason.DRIVER_STARTING,
            "waiting for driver pod "
                + names.earlierPod().get()
                + " to stop before starting "
                + names.pod(),
            DriverLifecycle.TRANSITION_RECHECK));
  }

  /**
   * The driver's environment from Secrets, and the resourceVersions of those Secrets as just read.
   */
  private record DriverSecrets(SecretEnv env, String versions) {}

  private DriverSecrets driverSecrets(StreamingPipeline pipeline) {
    String ns = pipeline.getMetadata().getNamespace();
    StreamingPipelineSpec spec = pipeline.getSpec();
    Map<String, SecretResolver.Read> read = new TreeMap<>();
    List<String> kafkaKeys = List.of();
    if (spec.getKafka().getClientSecret() != null) {
      SecretResolver.Read kafka =
          secrets.read(ns, spec.getKafka().getClientSecret().getName(), "kafka.clientSecret");
      read.put(kafka.name(), kafka);
      kafkaKeys = List.copyOf(kafka.values().keySet());
    }
    SecretEnv env = SecretEnv.of(spec, kafkaKeys);
    // only that each key exists is checked here, each Secret read once; the values stay with the
    // kubelet
    for (SecretEnv.Variable v : env.variables()) {
      String usedFor = "environment variable " + v.name() + " of the driver";
      read.computeIfAbsent(v.secret(), name -> secrets.read(ns, name, usedFor))
          .value(ns, v.key(), usedFor);
    }
    Map<String, String> versions = new TreeMap<>();
    read.forEach((name, secret) -> versions.put(name, secret.resourceVersion()));
    return new DriverSecrets(env, DriverLifecycle.secretVersions(versions));
  }

  private void ensureSupportObjects(StreamingPipeline pipeline, DriverNames names) {
    // made once, and a key drawn only then: a new key would lock the running driver out of its
    // executors
    Secret key =
        client.secrets().inNamespace(names.namespace()).withName(names.sparkAuthSecret()).get();
    if (key != null && !DriverNames.controlledBy(key, pipeline)) {
      throw new NameConflictException(key, pipeline);
    }
    if (key == null) {
      try {
        client.resource(DriverObjects.sparkAuthSecret(pipeline, names)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
      }
    }
    ensure(pipeline, DriverObjects.serviceAccount(pipeline, names), (want, have) -> true);
    ensureRoleBinding(pipeline, DriverObjects.roleBinding(pipeline, names, driverClusterRole));
    Service service = DriverObjects.service(pipeline, names);
    ensure(
        pipeline,
        service,
        (want, have) ->
            have.getSpec() != null
                && Objects.equals(want.getSpec().getPorts(), have.getSpec().getPorts())
                && Objects.equals(want.getSpec().getSelector(), have.getSpec().getSelector())
                && Objects.equals(want.getSpec().getClusterIP(), have.getSpec().getClusterIP())
                && Objects.equals(
                    want.getSpec().getPublishNotReadyAddresses(),
                    have.getSpec().getPublishNotReadyAddresses()));
  }

  /**
   * Like {@link #ensure}, but a binding to another role (one made by an earlier version for a Role
   * of the pipeline's own, or edited by hand) is deleted and made anew: a RoleBinding's roleRef
   * cannot change.
   */
  private void ensureRoleBinding(StreamingPipeline pipeline, RoleBinding want) {
    RoleBinding have = client.resource(want).get();
    if (have != null && !DriverNames.controlledBy(have, pipeline)) {
      throw new NameConflictException(have, pipeline);
    }
    if (have != null && !Objects.equals(want.getRoleRef(), have.getRoleRef())) {
      LOG.info(
          "replacing RoleBinding {}/{}: it binds {} {}, the driver's is ClusterRole {}",
          want.getMetadata().getNamespace(),
          want.getMetadata().getName(),
          have.getRoleRef().getKind(),
          have.getRoleRef().getName(),
          want.getRoleRef().getName());
      client.resource(have).delete();
    }
    try {
      ensure(pipeline, want, (w, h) -> Objects.equals(w.getSubjects(), h.getSubjects()));
    } catch (KubernetesClientException e) {
      // without bind on it, the API server looks the ClusterRole up to compare rights: a wrong
      // name comes back as a 404 of a RoleBinding, which would send a reader the wrong way
      String role = want.getRoleRef().getName();
      String why =
          switch (e.getCode()) {
            case HttpURLConnection.HTTP_NOT_FOUND ->
                "the driver ClusterRole "
                    + role
                    + " does not exist, or the operator may not bind it (--driver-cluster-role"
                    + " must name the ClusterRole the chart installs)";
            case HttpURLConnection.HTTP_FORBIDDEN ->
                "the operator may not bind the driver ClusterRole "
                    + role
                    + " in namespace "
                    + want.getMetadata().getNamespace()
                    + " (its Role needs bind on clusterroles named "
                    + role
                    + ")";
            default -> null;
          };
      if (why == null) {
        throw e;
      }
      String said =
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : e.getMessage();
      Status status =
          new StatusBuilder(e.getStatus() == null ? new Status() : e.getStatus())
              .withMessage(why + ": " + said)
              .build();
      // the server's own words are kept in the message; the client's URL and method add nothing
      throw new KubernetesClientException(why + ": " + said, e.getCode(), status);
    }
  }

  /**
   * Creates {@code want}, or updates what is there when its content or labels differ; an object of
   * that name this pipeline does not control is left alone ({@link NameConflictException}).
   */
  private <T extends HasMetadata> void ensure(
      StreamingPipeline pipeline, T want, BiPredicate<T, T> sameContent) {
    @SuppressWarnings("unchecked")
    T have = (T) client.resource(want).get();
    if (have == null) {
      client.resource(want).create();
      return;
    }
    if (!DriverNames.controlledBy(have, pipeline)) {
      throw new NameConflictException(have, pipeline);
    }
    boolean same =
        sameContent.test(want, have)
            && Objects.equals(want.getMetadata().getLabels(), have.getMetadata().getLabels())
            && Objects.equals(
                want.getMetadata().getOwnerReferences(), have.getMetadata().getOwnerReferences());
    if (!same) {
      want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
      client.resource(want).update();
    }
  }

  // the ConfigMap is written only here, right before a pod starts: a running driver keeps the
  // config it started with
  private boolean create(
      StreamingPipeline pipeline, DriverNames names, SecretEnv env, DriverLifecycle.Wish wish) {
    ConfigMap configMap = DriverObjects.configMap(pipeline, names, env, javaOptions);
    ensure(pipeline, configMap, (want, have) -> Objects.equals(want.getData(), have.getData()));
    Pod pod =
        DriverPodFactory.pod(
            pipeline, names, env, wish.specHash(), wish.secretVersions(), DriverRun.next());
    try {
      client.pods().inNamespace(names.namespace()).resource(pod).create();
      LOG.info(
          "created driver pod {}/{} (spec hash {}, Secrets {})",
          names.namespace(),
          names.pod(),
          wish.specHash(),
          wish.secretVersions().isEmpty() ? "none" : wish.secretVersions());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw e;
    }
  }
}
