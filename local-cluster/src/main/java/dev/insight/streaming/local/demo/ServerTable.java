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
    table
        .path("columnDefinitions")
        .forEach(c -> header.add(c.path("name").asText().toUpperCase(Locale.ROOT)));
    rows.add(header);
    table
        .path("rows")
        .forEach(
            row -> {
              List<String> cells = new ArrayList<>();
              row.path("cells").forEach(cell -> cells.add(cell.isNull() ? "" : cell.asText()));
              rows.add(cells);
            });
    return rows;
  }
}
