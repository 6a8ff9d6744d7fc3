package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.kafka.KafkaClusters;
import dev.insight.streaming.operator.reconciler.StreamingPipelineReconciler;
import dev.insight.streaming.operator.topics.TopicStep;
import dev.insight.streaming.operator.secrets.SecretResolver;
import dev.insight.streaming.operator.status.EventRecorder;
import dev.insight.streaming.operator.status.PhaseRule;
import dev.insight.streaming.operator.status.StatusWriter;
import dev.insight.streaming.operator.testing.TestPipelines;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

/**
 * One pipeline's driver on the mock API server: the real reconciler with the driver step, a clock the story moves,
 * and the test as the kubelet (it sets pod phases and container states; a finalizer stands for a pod whose
 * container is still stopping, since the mock deletes at once otherwise).
 */
final class DriverWorld implements AutoCloseable {

  static final String NS = "pipelines";
  static final String KUBELET_FINALIZER = "test.kubelet/container-stopping";
  static final String JAVA_OPTIONS = "-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED";

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

  final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
      new StaleStatusRefused(), false);
  final KubernetesClient client;
  private final List<RecordedRequest> requests = new ArrayList<>();
  final StoryClock clock = new StoryClock(Instant.parse("2026-01-01T00:00:00Z"));
  /**
   * The CRUD dispatcher, plus one rule of the real API server it lacks: a status write carrying a stale
   * resourceVersion is refused with 409 (the mock checks this for the main resource only).
   */
  static final class StaleStatusRefused extends KubernetesCrudDispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
      String path = request.getPath().split("\\?")[0];
      if (path.endsWith("/status")) {
        try {
          String sent = JSON.readTree(request.getBody().getBytes()).path("metadata").path("resourceVersion").asText("");
          MockResponse stored = handleGet(path.substring(0, path.length() - "/status".length()));
          String current = JSON.readTree(stored.getBody().getBytes()).path("metadata").path("resourceVersion")
              .asText("");
          if (!sent.isEmpty() && !sent.equals(current)) {
            return new MockResponse().setResponseCode(409).setBody(JSON.writeValueAsString(new StatusBuilder()
                .withStatus("Failure").withCode(409).withReason("Conflict")
                .withMessage("the object has been modified; please apply your changes to the latest version")
                .build()));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return super.handleUpdate(request);
    }
  }

  final StatusWriter statusWriter;
  final DriverStep step;
  final StreamingPipelineReconciler reconciler;
  private final KafkaClusters kafkaForTopics;
  final String name;

  DriverWorld(String name) {
    this(name, false);
  }

  /**
   * A world whose reconciler runs the real topic step (against the pipeline's bootstrap servers) before the driver
   * step, so a broker outage blocks the driver step as it does in the operator.
   */
  static DriverWorld behindTopicStep(String name) {
    return new DriverWorld(name, true);
  }

  private DriverWorld(String name, boolean withTopicStep) {
    this.name = name;
    server.init();
    client = server.createClient();
    Path crd = Path.of(System.getProperty("crd.checked-in.dir", "../crds"))
        .resolve("streamingpipelines.streaming.insight.dev-v1.yml");
    try (InputStream in = Files.newInputStream(crd)) {
      client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    statusWriter = new StatusWriter(client, new EventRecorder(client, clock),
        new PhaseRule(List.of(Conditions.DRIVER_RUNNING)), clock);
    step = new DriverStep(client, new SecretResolver(client), clock, JAVA_OPTIONS);
    this.kafkaForTopics = withTopicStep ? new KafkaClusters(new SecretResolver(client), Clock.systemUTC()) : null;
    if (kafkaForTopics == null) {
      reconciler = new StreamingPipelineReconciler(p -> List.of(), List.of(step), statusWriter);
    } else {
      TopicStep topics = new TopicStep(kafkaForTopics, new EventRecorder(client, clock), clock);
      reconciler = new StreamingPipelineReconciler(p -> List.of(), List.of(topics, step), new StatusWriter(client,
          new EventRecorder(client, clock), new PhaseRule(List.of(Conditions.TOPICS_READY, Conditions.DRIVER_RUNNING)),
          clock));
    }
  }

  /** Every request the API server received so far, oldest first. */
  List<RecordedRequest> requests() {
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        requests.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return List.copyOf(requests);
  }

  /** The requests with {@code method} on the driver pod (or, for POST, on the namespace's pods). */
  List<RecordedRequest> podRequests(String method) {
    String pods = "/api/v1/namespaces/" + NS + "/pods";
    String one = pods + "/" + DriverNames.of(pipeline()).pod();
    return requests().stream().filter(r -> r.getMethod().equals(method))
        .filter(r -> method.equals("POST") ? r.getPath().startsWith(pods) && !r.getPath().startsWith(pods + "/")
            : r.getPath().split("\\?")[0].equals(one))
        .toList();
  }

  void secret(String secretName, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(secretName)
        .withNamespace(NS).endMetadata().withData(data).build()).createOr(op -> op.update());
  }

  /** A pipeline writing to MongoDB with its URI Secret in place, as stored by the API server. */
  StreamingPipeline createPipeline(Consumer<StreamingPipeline> customize) {
    StreamingPipeline pipeline = TestPipelines.withMongo(TestPipelines.pipeline(NS, name, "kafka:9092"));
    secret(TestPipelines.mongoSecret(pipeline), TestPipelines.values("uri", "mongodb://u:s3cret@m:27017"));
    customize.accept(pipeline);
    return client.resource(pipeline).create();
  }

  StreamingPipeline pipeline() {
    return client.resources(StreamingPipeline.class).inNamespace(NS).withName(name).get();
  }

  /** One reconcile of the stored pipeline, as JOSDK would run it on an event. */
  StreamingPipeline reconcile() {
    reconciler.reconcile(pipeline(), null);
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
    setStatus(new PodBuilder(pod()).editOrNewStatus().withPhase("Running")
        .withContainerStatuses(new ContainerStatusBuilder().withName(DriverContract.DRIVER_CONTAINER)
            .withNewState().withNewRunning().withStartedAt(startedAt.toString()).endRunning().endState().build())
        .endStatus().build());
  }

  void kubeletEnds(String phase, int exitCode, String reason, Instant startedAt, Instant finishedAt) {
    setStatus(new PodBuilder(pod()).editOrNewStatus().withPhase(phase)
        .withContainerStatuses(new ContainerStatusBuilder().withName(DriverContract.DRIVER_CONTAINER)
            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason)
            .withStartedAt(startedAt.toString()).withFinishedAt(finishedAt.toString()).endTerminated().endState()
            .build())
        .endStatus().build());
  }

  /** The kubelet holds the pod while its container stops (a finalizer here; the mock has no kubelet). */
  void kubeletHoldsOnDelete() {
    client.pods().inNamespace(NS).withName(names().pod())
        .edit(p -> new PodBuilder(p).editMetadata().addToFinalizers(KUBELET_FINALIZER).endMetadata().build());
  }

  /** The container stopped: the pod goes. */
  void kubeletReleases() {
    client.pods().inNamespace(NS).withName(names().pod())
        .edit(p -> new PodBuilder(p).editMetadata().removeFromFinalizers(KUBELET_FINALIZER).endMetadata().build());
  }

  private void setStatus(Pod pod) {
    client.pods().inNamespace(NS).resource(pod).updateStatus();
  }

  @Override
  public void close() {
    if (kafkaForTopics != null) {
      kafkaForTopics.close();
    }
    client.close();
    server.destroy();
  }
}
