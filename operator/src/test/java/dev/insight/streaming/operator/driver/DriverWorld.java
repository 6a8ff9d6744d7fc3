package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.kafka.KafkaClusters;
import dev.insight.streaming.operator.reconciler.StreamingPipelineReconciler;
import dev.insight.streaming.operator.secrets.SecretResolver;
import dev.insight.streaming.operator.status.EventRecorder;
import dev.insight.streaming.operator.status.PhaseRule;
import dev.insight.streaming.operator.status.StatusWriter;
import dev.insight.streaming.operator.testing.SentRequests;
import dev.insight.streaming.operator.testing.SentRequests.SentRequest;
import dev.insight.streaming.operator.testing.TestKubernetes;
import dev.insight.streaming.operator.testing.TestPipelines;
import dev.insight.streaming.operator.topics.TopicStep;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DefaultContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.Controller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One pipeline's driver on the real API server: the real reconciler with the driver step, a clock
 * the story moves, and the test as the kubelet of a Node of its own (it binds the driver pod there,
 * sets pod phases and container states, and finishes a graceful deletion the way a kubelet does, by
 * deleting with grace 0 once the container stopped). Every request the reconciler's client sends is
 * recorded.
 */
final class DriverWorld implements AutoCloseable {

  static final String NS = "pipelines";
  static final String NODE = "story-node";
  static final String DRIVER_CLUSTER_ROLE = "streaming-pipeline-operator-driver";
  static final String JAVA_OPTIONS =
      "-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED";

  /** A clock that moves only when the story says so. */
  static final class StoryClock extends Clock {
    private Instant now;

    StoryClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final TestKubernetes kube;
  private final SentRequests sent = new SentRequests();
  final KubernetesClient client;
  private final Operator josdk;
  private final Controller<StreamingPipeline> controller;
  final StoryClock clock = new StoryClock(Instant.parse("2026-01-01T00:00:00Z"));

  final StatusWriter statusWriter;
  final DriverStep step;
  final StreamingPipelineReconciler reconciler;
  private final KafkaClusters kafkaForTopics;
  final String name;

  DriverWorld(String name) {
    this(name, false);
  }

  /**
   * A world whose reconciler runs the real topic step (against the pipeline's bootstrap servers)
   * before the driver step, so a broker outage blocks the driver step as it does in the operator.
   */
  static DriverWorld behindTopicStep(String name) {
    return new DriverWorld(name, true);
  }

  private DriverWorld(String name, boolean withTopicStep) {
    this.name = name;
    kube = TestKubernetes.shared(NS);
    client = sent.recording(kube.cluster().kubeconfig());
    josdk =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withCloseClientOnStop(false));
    controller =
        (Controller<StreamingPipeline>)
            josdk.register(new CacheOnly(), c -> c.settingNamespaces(NS));
    josdk.start();
    kube.client()
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build())
        .createOr(op -> op.patch());
    statusWriter =
        new StatusWriter(
            client,
            new EventRecorder(client, clock),
            new PhaseRule(List.of(Conditions.DRIVER_RUNNING)),
            clock);
    step =
        new DriverStep(
            client, new SecretResolver(client), clock, DRIVER_CLUSTER_ROLE, JAVA_OPTIONS);
    this.kafkaForTopics =
        withTopicStep ? new KafkaClusters(new SecretResolver(client), Clock.systemUTC()) : null;
    if (kafkaForTopics == null) {
      reconciler =
          new StreamingPipelineReconciler(p -> List.of(), List.of(step), statusWriter, clock);
    } else {
      TopicStep topics = new TopicStep(kafkaForTopics, new EventRecorder(client, clock), clock);
      reconciler =
          new StreamingPipelineReconciler(
              p -> List.of(),
              List.of(topics, step),
              new StatusWriter(
                  client,
                  new EventRecorder(client, clock),
                  new PhaseRule(List.of(Conditions.TOPICS_READY, Conditions.DRIVER_RUNNING)),
                  clock),
              clock);
    }
  }

  /** Every request the reconciler's client sent so far, oldest first. */
  List<SentRequest> requests() {
    return sent.all();
  }

  /**
   * The cluster administrator's client (not recorded), for what the story does besides the
   * operator.
   */
  KubernetesClient admin() {
    return kube.client();
  }

  /**
   * A second client of the same API server (a new operator process), recording into the same list.
   */
  KubernetesClient newClient() {
    return sent.recording(kube.cluster().kubeconfig());
  }

  /** The requests with {@code method} on the driver pod (or, for POST, on the namespace's pods). */
  List<SentRequest> podRequests(String method) {
    String pods = "/api/v1/namespaces/" + NS + "/pods";
    String one = pods + "/" + DriverNames.of(pipeline()).pod();
    return requests().stream()
        .filter(r -> r.getMethod().equals(method))
        .filter(
            r ->
                method.equals("POST")
                    ? r.getPath().startsWith(pods) && !r.getPath().startsWith(pods + "/")
                    : r.getPath().split("\\?")[0].equals(one))
        .toList();
  }

  void secret(String secretName, Map<String, String> values) {
    kube.secret(NS, secretName, values);
  }

  /** A pipeline writing to MongoDB with its URI Secret in place, as stored by the API server. */
  StreamingPipeline createPipeline(Consumer<StreamingPipeline> customize) {
    StreamingPipeline pipeline =
        TestPipelines.withMongo(TestPipelines.pipeline(NS, name, "kafka:9092"));
    secret(
        TestPipelines.mongoSecret(pipeline),
        TestPipelines.values("uri", "mongodb://u:s3cret@m:27017"));
    customize.accept(pipeline);
    return client.resource(pipeline).create();
  }

  StreamingPipeline pipeline() {
    return client.resources(StreamingPipeline.class).inNamespace(NS).withName(name).get();
  }

  /**
   * A controller JOSDK runs for the namespace whose reconciler does nothing: it only keeps the
   * primary cache.
   */
  @ControllerConfiguration(name = "driver-world-cache")
  static final class CacheOnly implements Reconciler<StreamingPipeline> {
    @Override
    public UpdateControl<StreamingPipeline> reconcile(
        StreamingPipeline resource, Context<StreamingPipeline> context) {
      return UpdateControl.noUpdate();
    }
  }

  /**
   * JOSDK's context for one reconcile of {@code pipeline}: the story calls the real reconciler
   * itself, at the moments it chooses, and JOSDK's started controller supplies the client and the
   * primary cache status writes go through.
   */
  Context<StreamingPipeline> context(StreamingPipeline pipeline) {
    return new DefaultContext<>(null, controller, pipeline, false, false);
  }

  /** One reconcile of the stored pipeline, as JOSDK would run it on an event. */
  StreamingPipeline reconcile() {
    StreamingPipeline stored = pipeline();
    reconciler.reconcile(stored, context(stored));
    return pipeline();
  }

  /** Changes the spec as a user would (a new generation). */
  StreamingPipeline editSpec(Consumer<StreamingPipeline> change) {
    StreamingPipeline p = pipeline();
    change.accept(p);
    return client.resource(p).update();
  }

  Pod pod() {
    return client.pods().inNamespace(NS).withName(names().pod()).get();
  }

  DriverNames names() {
    return DriverNames.of(pipeline());
  }

  Condition driverCondition() {
    return pipeline().getStatus().condition(Conditions.DRIVER_RUNNING).orElseThrow();
  }

  // --- the kubelet's part ---

  void kubeletRuns(Instant startedAt) {
    setStatus(
        new PodBuilder(pod())
            .editOrNewStatus()
            .withPhase("Running")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(DriverContract.DRIVER_CONTAINER)
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt(startedAt.toString())
                    .endRunning()
                    .endState()
                    .build())
            .endStatus()
            .build());
  }

  void kubeletEnds(
      String phase, int exitCode, String reason, Instant startedAt, Instant finishedAt) {
    setStatus(
        new PodBuilder(pod())
            .editOrNewStatus()
            .withPhase(phase)
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(DriverContract.DRIVER_CONTAINER)
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(exitCode)
                    .withReason(reason)
                    .withStartedAt(startedAt.toString())
                    .withFinishedAt(finishedAt.toString())
                    .endTerminated()
                    .endState()
                    .build())
            .endStatus()
            .build());
  }

  /**
   * The pod is scheduled to this story's Node, so the API server treats its deletion as a kubelet
   * would have to confirm it: a deleted pod keeps its deletionTimestamp until {@link
   * #kubeletReleases()}. (An unscheduled pod is deleted at once.)
   */
  void kubeletHoldsOnDelete() {
    kube.client()
        .bindings()
        .inNamespace(NS)
        .resource(
            new BindingBuilder()
                .withNewMetadata()
                .withName(names().pod())
                .endMetadata()
                .withNewTarget()
                .withKind("Node")
                .withName(NODE)
                .endTarget()
                .build())
        .create();
  }

  /**
   * Waits until the driver pod is gone: a foreground deletion (the operator's) ends only when the
   * garbage collector has removed the pod's dependents and then its finalizer.
   */
  void awaitPodGone() {
    kube.client()
        .pods()
        .inNamespace(NS)
        .withName(names().pod())
        .waitUntilCondition(java.util.Objects::isNull, 30, TimeUnit.SECONDS);
  }

  /** The container stopped: the kubelet deletes the pod with grace 0, and it goes. */
  void kubeletReleases() {
    kube.client().pods().inNamespace(NS).withName(names().pod()).withGracePeriod(0).delete();
    kube.client()
        .pods()
        .inNamespace(NS)
        .withName(names().pod())
        .waitUntilCondition(
            p -> p == null || p.getMetadata().getDeletionTimestamp() == null, 30, TimeUnit.SECONDS);
  }

  private void setStatus(Pod pod) {
    kube.client().pods().inNamespace(NS).resource(pod).updateStatus();
  }

  /**
   * Deletes the story's pipeline (its children go through the garbage collector) and closes the
   * clients.
   */
  @Override
  public void close() {
    try {
      StreamingPipeline pipeline = pipeline();
      if (pipeline != null) {
        kube.client().resource(pipeline).delete();
        // a pod bound to the story's Node waits for a kubelet to confirm its deletion: confirm it
        kube.client()
            .pods()
            .inNamespace(NS)
            .withName(DriverNames.of(pipeline).pod())
            .withGracePeriod(0)
            .delete();
      }
    } finally {
      if (kafkaForTopics != null) {
        kafkaForTopics.close();
      }
      josdk.stop();
      client.close();
    }
  }
}
