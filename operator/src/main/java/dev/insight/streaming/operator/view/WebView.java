package dev.insight.streaming.operator.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineStatus;
import dev.insight.streaming.operator.api.spec.TopicSpec;
import dev.insight.streaming.operator.api.status.Condition;
import dev.insight.streaming.operator.api.status.LagStatus;
import dev.insight.streaming.operator.api.status.TopicStatus;
import dev.insight.streaming.operator.driver.DriverNames;
import dev.insight.streaming.operator.lag.LagHistory;
import dev.insight.streaming.operator.lag.LagMonitor;
import dev.insight.streaming.operator.lag.PartitionFigures;
import dev.insight.streaming.operator.secrets.Redaction;
import dev.insight.streaming.operator.status.EventRecorder;
import dev.insight.streaming.operator.view.ViewAccess.Viewer;
import dev.insight.streaming.sinkstores.PipelineKey;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only web view under {@value #PATH}: static pages bundled in the jar, which fetch JSON
 * from {@code /view/api/} with the viewer's bearer token. Every API request is checked with the
 * cluster's own TokenReview and SubjectAccessReview ({@link ViewAccess}); pipelines come from the
 * operator's cache, lag history from the lag monitor, events from the operator's own record, so
 * that a page refresh costs the API server nothing but a pod list, and at most two reviews every 30
 * seconds per viewer.
 */
public final class WebView implements HttpHandler {

  public static final String PATH = "/view/";

  private static final String API = PATH + "api/pipelines";
  private static final Logger LOG = LoggerFactory.getLogger(WebView.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ASSETS =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "pipeline.html", "text/html; charset=utf-8",
          "view.js", "text/javascript; charset=utf-8",
          "view.css", "text/css; charset=utf-8");

  private final Supplier<? extends Collection<StreamingPipeline>> pipelines;
  private final ViewAccess access;
  private final LagMonitor lag;
  private final EventRecorder events;
  private final SinkRows sinkRows;
  private final KubernetesClient client;
  private final Map<String, byte[]> assets = new HashMap<>();

  public WebView(
      Supplier<? extends Collection<StreamingPipeline>> pipelines,
      ViewAccess access,
      LagMonitor lag,
      EventRecorder events,
      SinkRows sinkRows,
      KubernetesClient client) {
    this.pipelines = pipelines;
    this.access = access;
    this.lag = lag;
    this.events = events;
    this.sinkRows = sinkRows;
    this.client = client;
    for (String name : ASSETS.keySet()) {
      try (InputStream in = WebView.class.getResourceAsStream("/view/" + name)) {
        if (in == null) {
          throw new IllegalStateException("the operator jar lacks view/" + name);
        }
        assets.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException("cannot read view/" + name + " from the jar", e);
      }
    }
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        route(exchange);
      } catch (RuntimeException e) {
        LOG.warn("web view request failed: {}", e.toString());
        if (exchange.getResponseCode() == -1) {
          // nothing sent yet: the page shows an answer, not a dropped connection
          error(exchange, 500, "the operator could not answer: " + Redaction.scrub(e.toString()));
        }
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (!"GET".equals(exchange.getRequestMethod())) {
      error(exchange, 405, "the web view only reads: use GET");
    } else if (path.equals(PATH) || path.equals(PATH.substring(0, PATH.length() - 1))) {
      asset(exchange, "index.html");
    } else if (path.startsWith(API)) {
      api(exchange, path.substring(API.length()));
    } else if (ASSETS.containsKey(path.substring(PATH.length()))) {
      asset(exchange, path.substring(PATH.length()));
    } else {
      error(exchange, 404, "no page " + path);
    }
  }

  private void api(HttpExchange exchange, String rest) throws IOException {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)
        || header.substring(7).isBlank()) {
      exchange
          .getResponseHeaders()
          .set("WWW-Authenticate", "Bearer realm=\"streaming-pipeline-operator\"");
      error(exchange, 401, "no token: send Authorization: Bearer <token> (kubectl create token)");
      return;
    }
    Optional<Viewer> viewer;
    try {
      viewer = access.authenticate(header.substring(7).trim());
    } catch (KubernetesClientException e) {
      error(exchange, 503, "the API server did not review the token: " + e.getMessage());
      return;
    }
    if (viewer.isEmpty()) {
      exchange
          .getResponseHeaders()
          .set("WWW-Authenticate", "Bearer realm=\"streaming-pipeline-operator\"");
      error(exchange, 401, "the API server does not accept this token");
      return;
    }
    try {
      if (rest.isEmpty() || rest.equals("/")) {
        json(exchange, 200, list(viewer.get()));
        return;
      }
      String[] parts = rest.substring(1).split("/");
      if (parts.length < 2
          || parts.length > 3
          || (parts.length == 3 && !parts[2].equals("results"))) {
        error(exchange, 404, "no API path " + rest);
        return;
      }
      String namespace = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      String name = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
      Optional<StreamingPipeline> pipeline = find(namespace, name);
      if (pipeline.isEmpty() || !access.may(viewer.get(), namespace, null)) {
        // the same answer whether it does not exist or may not be seen
        error(exchange, 404, "no pipeline " + namespace + "/" + name + " that you may see");
        return;
      }
      if (parts.length == 2) {
        json(exchange, 200, details(pipeline.get()));
      } else if (!access.may(viewer.get(), namespace, ViewAccess.RESULTS)) {
        error(
            exchange,
            403,
            "sink rows need get on streamingpipelines/"
                + ViewAccess.RESULTS
                + " in namespace "
                + namespace
                + " (the chart's ClusterRole <release>-results-viewer grants it)");
      } else {
        Map<String, String> query = query(exchange);
        try {
          SinkRows.Page page =
              sinkRows.page(pipeline.get(), query.getOrDefault("sink", ""), query.get("next"));
          json(exchange, 200, JSON.valueToTree(page));
        } catch (IllegalArgumentException e) {
          error(exchange, 400, e.getMessage());
        } catch (RuntimeException e) {
          error(exchange, 502, "the sink did not answer: " + Redaction.scrub(e.getMessage()));
        }
      }
    } catch (KubernetesClientException e) {
      error(exchange, 503, "the API server did not answer: " + e.getMessage());
    }
  }

  private ObjectNode list(Viewer viewer) {
    ObjectNode body = JSON.createObjectNode();
    body.put("viewer", viewer.user());
    ArrayNode rows = body.putArray("pipelines");
    Map<String, Boolean> allowed = new HashMap<>();
    pipelines.get().stream()
        .sorted(
            Comparator.comparing((StreamingPipeline p) -> p.getMetadata().getNamespace())
                .thenComparing(p -> p.getMetadata().getName()))
        .forEach(
            p -> {
              String ns = p.getMetadata().getNamespace();
              if (allowed.computeIfAbsent(ns, n -> access.may(viewer, n, null))) {
                rows.add(columns(p));
              }
            });
    return body;
  }

  /** The columns of {@code kubectl get sp}, from the same status fields. */
  private static ObjectNode columns(StreamingPipeline p) {
    ObjectNode row = JSON.createObjectNode();
    row.put("namespace", p.getMetadata().getNamespace());
    row.put("name", p.getMetadata().getName());
    StreamingPipelineStatus status = p.getStatus();
    row.put(
        "phase", status == null || status.getPhase() == null ? null : status.getPhase().toString());
    row.put(
        "ready",
        status == null
            ? null
            : status.condition(Conditions.READY).map(Condition::getStatus).orElse(null));
    LagStatus lag = status == null ? null : status.getLag();
    row.put("lag", lag == null ? null : lag.getTotal());
    row.put("behind", lag == null ? null : lag.getSecondsBehind());
    row.put(
        "driver",
        status == null || status.getDriver() == null ? null : status.getDriver().getPhase());
    row.put("created", p.getMetadata().getCreationTimestamp());
    return row;
  }

  private ObjectNode details(StreamingPipeline p) {
    ObjectNode body = columns(p);
    String ns = p.getMetadata().getNamespace();
    String name = p.getMetadata().getName();
    StreamingPipelineStatus status = p.getStatus();
    body.put("message", status == null ? null : status.getMessage());
    body.set("status", JSON.valueToTree(status == null ? null : status.getLag()));
    ArrayNode conditions = body.putArray("conditions");
    if (status != null && status.getConditions() != null) {
      status.getConditions().forEach(c -> conditions.add(JSON.valueToTree(c)));
    }
    Optional<LagHistory.Snapshot> history = lag.history(new PipelineKey(ns, name));
    ArrayNode points = body.putArray("history");
    ArrayNode partitions = body.putArray("partitions");
    history.ifPresent(
        h -> {
          for (LagHistory.Point point : h.points()) {
            points
                .addArray()
                .add(point.atMillis())
                .add(point.total())
                .add(point.secondsBehind())
                .add(Math.round(point.processingRate() * 10) / 10.0)
                .add(Math.round(point.producingRate() * 10) / 10.0);
          }
          for (PartitionFigures f : h.partitions()) {
            ObjectNode partition = partitions.addObject();
            partition.put("name", f.name());
            partition.put("processed", f.processed());
            partition.put("end", f.end());
            partition.put("lag", f.lag());
            partition.put("evaluation", f.evaluation().name());
            partition.put("secondsBehind", Math.round(f.secondsBehind()));
            partition.put("detail", f.detail());
          }
        });
    body.set("events", JSON.valueToTree(events.recent(ns, name)));
    ArrayNode pods = body.putArray("pods");
    for (Pod pod :
        client
            .pods()
            .inNamespace(ns)
            .withLabel(DriverNames.PIPELINE_LABEL, DriverNames.labelValue(name))
            .list()
            .getItems()) {
      ObjectNode row = pods.addObject();
      row.put("name", pod.getMetadata().getName());
      row.put("role", pod.getMetadata().getLabels().get(DriverNames.COMPONENT_LABEL));
      row.put("phase", pod.getStatus() == null ? null : pod.getStatus().getPhase());
      int restarts = 0;
      if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
        for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
          restarts += container.getRestartCount() == null ? 0 : container.getRestartCount();
        }
      }
      row.put("restarts", restarts);
      row.put("node", pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    }
    ArrayNode topics = body.putArray("topics");
    Map<String, TopicStatus> topicStatus = new HashMap<>();
    if (status != null && status.getTopics() != null) {
      status.getTopics().forEach(t -> topicStatus.put(t.getName(), t));
    }
    for (TopicSpec topic : p.getSpec().getKafka().getTopics()) {
      ObjectNode row = topics.addObject();
      row.put("name", topic.getName());
      row.put("partitions", topic.getPartitions());
      TopicStatus observed = topicStatus.get(topic.getName());
      row.put("ready", observed == null ? null : observed.getReady());
    }
    ArrayNode sinks = body.putArray("sinks");
    if (p.getSpec().getSinks().getCassandra() != null) {
      sinks.add("cassandra");
    }
    if (p.getSpec().getSinks().getMongodb() != null) {
      sinks.add("mongodb");
    }
    return body;
  }

  private Optional<StreamingPipeline> find(String namespace, String name) {
    return pipelines.get().stream()
        .filter(
            p ->
                namespace.equals(p.getMetadata().getNamespace())
                    && name.equals(p.getMetadata().getName()))
        .findFirst();
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> query = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        query.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private void asset(HttpExchange exchange, String name) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    send(exchange, 200, ASSETS.get(name), assets.get(name));
  }

  private static void json(HttpExchange exchange, int status, Object body) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    json(exchange, status, Map.of("error", message == null ? "" : message));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", type);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    headers.set(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
