package dev.insight.streaming.operator.lag.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The mock API server in CRUD mode for the benchmark. Unlike the tests' {@code MockKubernetes} it lets the benchmark
 * drop the server's log of recorded requests between measurements: the mock keeps every request body it served,
 * which at thousands of status writes would fill the benchmark's 256 MB heap with the mock's bookkeeping.
 */
final class BenchApiServer implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private BenchApiServer(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  static BenchApiServer start(String namespace) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    KubernetesClient client = server.createClient();
    Path file = Path.of(System.getProperty("crd.checked-in.dir", "../crds"))
        .resolve("streamingpipelines.streaming.insight.dev-v1.yml");
    try (InputStream in = Files.newInputStream(file)) {
      client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CRD at " + file.toAbsolutePath(), e);
    }
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    return new BenchApiServer(server, client);
  }

  KubernetesClient client() {
    return client;
  }

  void secret(String namespace, String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).endMetadata().withData(data).build()).create();
  }

  /** Drops the requests the mock recorded so far. */
  void forgetRequests() throws InterruptedException {
    while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
      // drained
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
