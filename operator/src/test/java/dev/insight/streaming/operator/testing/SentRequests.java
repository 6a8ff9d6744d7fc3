package dev.insight.streaming.operator.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests clients made by {@link #recording} sent to the API server, in order: what a story
 * asserts about calls.
 */
public final class SentRequests {

  /** One request as sent: method, path with query, body (empty without one). */
  public record SentRequest(String getMethod, String getPath, String getUtf8Body) {}

  private final List<SentRequest> sent = new ArrayList<>();

  /** A client for {@code kubeconfig} whose every request is recorded here; the caller closes it. */
  public KubernetesClient recording(Path kubeconfig) {
    Config config;
    try {
      config = Config.fromKubeconfig(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + kubeconfig, e);
    }
    Interceptor recorder =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            String query = request.uri().getRawQuery();
            record(
                new SentRequest(
                    request.method(),
                    request.uri().getRawPath() + (query == null ? "" : "?" + query),
                    request.bodyString() == null ? "" : request.bodyString()));
          }
        };
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            builder -> builder.addOrReplaceInterceptor("sent-requests", recorder))
        .build();
  }

  /** Every request so far, oldest first. */
  public synchronized List<SentRequest> all() {
    return List.copyOf(sent);
  }

  private synchronized void record(SentRequest request) {
    sent.add(request);
  }
}
