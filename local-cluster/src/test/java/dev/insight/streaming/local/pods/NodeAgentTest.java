package dev.insight.streaming.local.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.local.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node agent as the control plane sees it: a Ready Node with its kubelet endpoint, pods bound
 * by the scheduling step, a pod it cannot run reported with the reason, and the Node authorizer
 * keeping the agent to what its own pods need.
 */
class NodeAgentTest {

  static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster =
        LocalCluster.start(
            LocalCluster.Options.defaults(WorkDirs.forTest(NodeAgentTest.class)).withoutOperator());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theNodeIsRegisteredReadyWithItsKubeletEndpoint() {
    Node node = cluster.client().nodes().withName(PodRunner.NODE_NAME).get();
    assertThat(node.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(node.getStatus().getAddresses())
        .anySatisfy(
            a -> {
              assertThat(a.getType()).isEqualTo("InternalIP");
              assertThat(a.getAddress()).isEqualTo("127.0.0.1");
            });
    assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort()).isPositive();
  }

  @Test
  void aPodThatIsNotASparkPodIsBoundAndStaysPendingSayingWhy() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("nginx")
            .endContainer()
            .endSpec()
            .build();
    cluster.client().pods().inNamespace("default").resource(pod).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Pod seen = cluster.client().pods().inNamespace("default").withName("web").get();
              assertThat(seen.getSpec().getNodeName())
                  .as("bound by the scheduling step")
                  .isEqualTo(PodRunner.NODE_NAME);
              assertThat(seen.getStatus().getPhase()).isEqualTo("Pending");
              assertThat(seen.getStatus().getContainerStatuses())
                  .singleElement()
                  .satisfies(
                      c -> {
                        assertThat(c.getState().getWaiting().getReason())
                            .isEqualTo("CreateContainerError");
                        assertThat(c.getState().getWaiting().getMessage())
                            .contains("runs only Spark pods");
                      });
            });
    // deleting a bound pod waits for the node; the agent has nothing to stop and confirms at once
    cluster.client().pods().inNamespace("default").withName("web").delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> cluster.client().pods().inNamespace("default").withName("web").get() == null);
  }

  @Test
  void theNodeAuthorizerKeepsTheAgentFromSecretsNoPodOfItsOwnNames() {
    cluster
        .client()
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("not-for-nodes")
                .endMetadata()
                .addToStringData("password", "s3cret")
                .build())
        .create();
    try (KubernetesClient node =
        cluster.clientAs("system:node:" + PodRunner.NODE_NAME, "system:nodes")) {
      assertThatThrownBy(
              () -> node.secrets().inNamespace("default").withName("not-for-nodes").get())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(403);
                assertThat(e.getMessage())
                    .contains("no relationship found between node 'local' and this object");
              });
    }
  }

  @Test
  void theKubeletEndpointServesOnlyTheApiServer() throws Exception {
    int port =
        cluster
            .client()
            .nodes()
            .withName(PodRunner.NODE_NAME)
            .get()
            .getStatus()
            .getDaemonEndpoints()
            .getKubeletEndpoint()
            .getPort();
    HttpClient anonymous = HttpClient.newBuilder().sslContext(trustingEveryone()).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + port + "/containerLogs/default/x/y"))
            .timeout(Duration.ofSeconds(5))
            .build();
    assertThatThrownBy(() -> anonymous.send(request, HttpResponse.BodyHandlers.ofString()))
        .as("a client without a certificate from the cluster CA is refused in the TLS handshake")
        .isInstanceOf(java.io.IOException.class);
  }

  static javax.net.ssl.SSLContext trustingEveryone() throws Exception {
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(
        null,
        new javax.net.ssl.TrustManager[] {
          new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(
                java.security.cert.X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(
                java.security.cert.X509Certificate[] chain, String authType) {}

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
              return new java.security.cert.X509Certificate[0];
            }
          }
        },
        null);
    return context;
  }
}
