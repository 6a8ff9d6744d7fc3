package dev.insight.streaming.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the local API server answers beyond the mock server's CRUD: discovery for kubectl, server-side tables for
 * custom resources (so {@code kubectl get sp} shows the printer columns) and pod logs from the pod runner's files.
 * Everything else goes to the CRUD dispatcher unchanged.
 */
final class LocalApiDispatcher extends Dispatcher {

  /** Where a pod's log lives, if the pod runner ran it. */
  interface PodLogs {
    Optional<Path> logFile(String namespace, String pod);
  }

  private static final Pattern CUSTOM_RESOURCE = Pattern.compile(
      "/apis/([^/]+)/([^/]+)(?:/namespaces/[^/]+)?/([^/]+)(?:/([^/]+))?");
  private static final Pattern POD_LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log");
  private static final Pattern SECRET_WRITE = Pattern.compile("/api/v1/namespaces/[^/]+/secrets(/[^/]+)?");

  private final Dispatcher crud;
  private final ApiDiscovery discovery;
  private final ObjectMapper json = Serialization.jsonMapper();
  private final Map<String, PrinterColumns> columnsByResource = new ConcurrentHashMap<>();
  private volatile PodLogs podLogs = (namespace, pod) -> Optional.empty();

  LocalApiDispatcher(Dispatcher crud, ApiDiscovery discovery) {
    this.crud = crud;
    this.discovery = discovery;
  }

  void printerColumns(String group, String version, String plural, PrinterColumns columns) {
    columnsByResource.put(group + "/" + version + "/" + plural, columns);
  }

  void podLogs(PodLogs logs) {
    this.podLogs = logs;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String target = request.getPath();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String params = query < 0 ? "" : target.substring(query + 1);
    if ("GET".equals(request.getMethod())) {
      Optional<MockResponse> answer = discoveryAnswer(path);
      if (answer.isPresent()) {
        return answer.get();
      }
      Matcher log = POD_LOG.matcher(path);
      if (log.matches()) {
        return podLog(log.group(1), log.group(2));
      }
      String accept = request.getHeader("Accept");
      Matcher cr = CUSTOM_RESOURCE.matcher(path);
      if (accept != null && accept.contains("as=Table") && !params.contains("watch=") && cr.matches()) {
        PrinterColumns columns = columnsByResource.get(cr.group(1) + "/" + cr.group(2) + "/" + cr.group(3));
        if (columns != null) {
          return asTable(crud.dispatch(request), columns);
        }
      }
    }
    if ("PUT".equals(request.getMethod()) && path.endsWith("/status")) {
      Optional<MockResponse> conflict = staleStatusWrite(request, path);
      if (conflict.isPresent()) {
        return conflict.get();
      }
    }
    if (("POST".equals(request.getMethod()) || "PUT".equals(request.getMethod()))
        && SECRET_WRITE.matcher(path).matches()) {
      return crud.dispatch(withStringDataAsData(request));
    }
    return crud.dispatch(request);
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  /**
   * An API server refuses a status write whose resourceVersion is not the stored one (409), so two writers of one
   * status (the reconciler and the lag monitor) never silently undo each other; the mock checks this only for the
   * main resource.
   */
  private Optional<MockResponse> staleStatusWrite(RecordedRequest request, String path) {
    try {
      String sent = json.readTree(request.getBody().getBytes()).path("metadata").path("resourceVersion").asText("");
      if (sent.isEmpty()) {
        return Optional.empty();
      }
      String resource = path.substring(0, path.length() - "/status".length());
      MockResponse stored = crud.dispatch(new RecordedRequest("GET " + resource + " HTTP/1.1", HttpMethod.GET,
          resource, request.getHeaders(), new Buffer()));
      if (stored.code() != 200) {
        return Optional.empty();
      }
      String current = json.readTree(stored.getBody().getBytes()).path("metadata").path("resourceVersion").asText("");
      if (current.isEmpty() || sent.equals(current)) {
        return Optional.empty();
      }
      ObjectNode status = json.createObjectNode();
      status.put("apiVersion", "v1").put("kind", "Status").put("status", "Failure").put("code", 409)
          .put("reason", "Conflict")
          .put("message", "the object has been modified; please apply your changes to the latest version and try again");
      return Optional.of(new MockResponse().setResponseCode(409).setBody(json.writeValueAsString(status)));
    } catch (IOException e) {
      return Optional.empty(); // not JSON: the CRUD dispatcher answers with its own error
    }
  }

  /** An API server stores a Secret's stringData as base64 data and never returns stringData; the mock does not. */
  private RecordedRequest withStringDataAsData(RecordedRequest request) {
    try {
      JsonNode body = json.readTree(request.getBody().getBytes());
      if (!(body instanceof ObjectNode secret) || !secret.has("stringData")) {
        return request;
      }
      JsonNode strings = secret.remove("stringData");
      ObjectNode data = secret.has("data") && secret.get("data").isObject() ? (ObjectNode) secret.get("data")
          : secret.putObject("data");
      strings.fields().forEachRemaining(e -> data.put(e.getKey(),
          Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
      return new RecordedRequest(request.getRequestLine(), request.method(), request.getPath(), request.getHeaders(),
          new Buffer(json.writeValueAsBytes(secret)));
    } catch (IOException e) {
      return request; // not JSON: the CRUD dispatcher answers with its own error
    }
  }

  private Optional<MockResponse> discoveryAnswer(String path) {
    if (path.equals("/api")) {
      return Optional.of(ok(discovery.coreVersions()));
    }
    if (path.equals("/apis")) {
      return Optional.of(ok(discovery.groups()));
    }
    if (path.equals("/api/v1")) {
      return discovery.resources("v1").map(this::ok);
    }
    String[] parts = path.split("/");
    if (parts.length == 4 && parts[1].equals("apis")) {
      return discovery.resources(parts[2] + "/" + parts[3]).map(this::ok);
    }
    return Optional.empty();
  }

  private MockResponse podLog(String namespace, String pod) {
    Optional<Path> file = podLogs.logFile(namespace, pod);
    if (file.isEmpty() || !Files.isRegularFile(file.get())) {
      return status(404, "NotFound", "no log for pod " + namespace + "/" + pod + " (the pod runner has not run it)");
    }
    try {
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
          .setBody(Files.readAllBytes(file.get()));
    } catch (IOException e) {
      return status(500, "InternalError", "cannot read " + file.get() + ": " + e.getMessage());
    }
  }

  /** Converts a CRUD answer (one object or a list) into a meta.k8s.io/v1 Table with the resource's printer columns. */
  private MockResponse asTable(MockResponse answer, PrinterColumns columns) {
    if (answer.code() != 200) {
      return answer;
    }
    try {
      JsonNode body = json.readTree(answer.getBody().readUtf8());
      ObjectNode table = json.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
      table.putObject("metadata").put("resourceVersion", body.path("metadata").path("resourceVersion").asText(""));
      ArrayNode definitions = table.putArray("columnDefinitions");
      definitions.addObject().put("name", "Name").put("type", "string").put("format", "name").put("priority", 0)
          .put("description", "Name of the resource");
      columns.columns().forEach(c -> definitions.addObject().put("name", c.getName()).put("type", "string")
          .put("format", "").put("priority", c.getPriority() == null ? 0 : c.getPriority())
          .put("description", c.getDescription() == null ? "" : c.getDescription()));
      ArrayNode rows = table.putArray("rows");
      Instant now = Instant.now();
      Iterable<JsonNode> items = body.has("items") ? body.get("items") : java.util.List.of(body);
      for (JsonNode item : items) {
        ObjectNode row = rows.addObject();
        ArrayNode cells = row.putArray("cells");
        cells.add(item.path("metadata").path("name").asText());
        columns.values(item, now).forEach(cells::add);
        ObjectNode object = row.putObject("object");
        object.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        object.set("metadata", item.path("metadata"));
      }
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
          .setBody(json.writeValueAsString(table));
    } catch (IOException | RuntimeException e) {
      return status(500, "InternalError", "cannot render a table: " + e.getMessage());
    }
  }

  private MockResponse ok(Object document) {
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(document));
  }

  private MockResponse status(int code, String reason, String message) {
    ObjectNode status = json.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
        .put("status", "Failure").put("reason", reason).put("message", message).put("code", code);
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(status.toString());
  }
}
