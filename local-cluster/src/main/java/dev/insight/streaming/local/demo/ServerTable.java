package dev.insight.streaming.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A resource as the API server renders it for {@code kubectl get}: the server's Table (the CRD's
 * printer columns, evaluated by the API server), asked for with kubectl's Accept header.
 */
final class ServerTable {

  static final String TABLE_ACCEPT =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerTable() {}

  /**
   * The header and the one row of the named resource; empty rows when it is not there or the server
   * errs.
   */
  static List<List<String>> of(
      KubernetesClient client,
      String group,
      String version,
      String plural,
      String namespace,
      String name) {
    String url =
        client.getMasterUrl().toString().replaceAll("/$", "")
            + "/apis/"
            + group
            + "/"
            + version
            + "/namespaces/"
            + namespace
            + "/"
            + plural
            + "?fieldSelector=metadata.name%3D"
            + name;
    return fetch(client, url);
  }

  /**
   * What {@code kubectl get pods -l <selector>} prints: the header and a row per pod, the columns
   * kubectl shows without {@code -o wide}.
   */
  static List<List<String>> pods(KubernetesClient client, String namespace, String selector) {
    String url =
        client.getMasterUrl().toString().replaceAll("/$", "")
            + "/api/v1/namespaces/"
            + namespace
            + "/pods?labelSelector="
            + java.net.URLEncoder.encode(selector, java.nio.charset.StandardCharsets.UTF_8);
    return fetch(client, url);
  }

  private static List<List<String>> fetch(KubernetesClient client, String url) {
    HttpRequest request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(url)
            .header("Accept", TABLE_ACCEPT)
            .build();
    try {
      HttpResponse<String> response =
          client.getHttpClient().sendAsync(request, String.class).get(5, TimeUnit.SECONDS);
      if (!response.isSuccessful()) {
        return List.of();
      }
      return rows(JSON.readTree(response.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } catch (ExecutionException | TimeoutException | java.io.IOException e) {
      return List.of();
    }
  }

  /** Header (column names upper-cased, as kubectl prints them) and rows, cells as text. */
  static List<List<String>> rows(JsonNode table) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>();
    // kubectl without -o wide prints the columns of priority 0 only
    List<Integer> shown = new ArrayList<>();
    JsonNode columns = table.path("columnDefinitions");
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).path("priority").asInt(0) == 0) {
        shown.add(i);
        header.add(columns.get(i).path("name").asText().toUpperCase(Locale.ROOT));
      }
    }
    rows.add(header);
    table
        .path("rows")
        .forEach(
            row -> {
              List<String> cells = new ArrayList<>();
              for (int i : shown) {
                JsonNode cell = row.path("cells").path(i);
                cells.add(cell.isNull() || cell.isMissingNode() ? "" : cell.asText());
              }
              rows.add(cells);
            });
    return rows;
  }
}
