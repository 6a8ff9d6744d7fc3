package dev.insight.streaming.local.demo;

import dev.insight.streaming.local.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;

/**
 * A viewer of the web view the way an administrator would make one: a ServiceAccount bound in one
 * namespace to the viewers' ClusterRole, and a short-lived token of it from the TokenRequest API
 * (what {@code kubectl create token} asks for).
 */
public final class ViewerToken {

  private ViewerToken() {}

  /**
   * Creates (or keeps) ServiceAccount {@code account} in {@code namespace}, bound there to the
   * viewers' ClusterRole, and returns a new token of it valid for {@code lifetime}.
   */
  public static String create(
      KubernetesClient client, String namespace, String account, Duration lifetime) {
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(account)
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .createOr(existing -> existing.update());
    client
        .rbac()
        .roleBindings()
        .inNamespace(namespace)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(account)
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName(LocalCluster.RESULTS_VIEWER_CLUSTER_ROLE)
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(account)
                .withNamespace(namespace)
                .endSubject()
                .build())
        .createOr(existing -> existing.update());
    return token(client, namespace, account, lifetime);
  }

  /** A new token of an existing ServiceAccount, valid for {@code lifetime}. */
  public static String token(
      KubernetesClient client, String namespace, String account, Duration lifetime) {
    TokenRequest request =
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(account)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(lifetime.toSeconds())
                    .endSpec()
                    .build());
    return request.getStatus().getToken();
  }

  /** The web view's address on the local cluster's operator, opening with {@code token}. */
  public static String url(LocalCluster cluster, String token) {
    return "http://"
        + LocalCluster.HOST
        + ":"
        + cluster.operator().httpPort()
        + "/view/#token="
        + token;
  }
}
