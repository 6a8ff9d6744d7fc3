package dev.insight.streaming.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.insight.streaming.operator.testing.TestKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the real API server (the JVM's shared control plane, with the CRD from crds/ installed)
 * whether it accepts a StreamingPipeline manifest: a server-side dry run with strict field
 * validation, as {@code kubectl apply} sends it, so the schema, its defaults, unknown fields and
 * every CEL rule (transition rules included) are the server's own.
 */
public final class ApiServerValidation {

  /** The namespace manifests are checked in; it lives as long as the control plane. */
  public static final String NAMESPACE = "manifest-checks";

  private static final AtomicInteger NAMES = new AtomicInteger();

  private ApiServerValidation() {}

  /**
   * Every reason the API server gives for refusing to create this manifest; empty when it accepts
   * it.
   */
  public static List<String> validate(JsonNode manifest) {
    KubernetesClient client = TestKubernetes.shared(NAMESPACE).client();
    try {
      client
          .resource(resource(client, named(manifest, nextName())))
          .inNamespace(NAMESPACE)
          .dryRun()
          .fieldValidation(Validation.STRICT)
          .create();
      return List.of();
    } catch (KubernetesClientException e) {
      return problems(e);
    }
  }

  /**
   * Every reason the API server gives for refusing to update {@code oldManifest} (stored for real
   * first, so transition rules see it as {@code oldSelf}) to {@code newManifest}; empty when it
   * accepts the update.
   */
  public static List<String> validateUpdate(JsonNode oldManifest, JsonNode newManifest) {
    KubernetesClient client = TestKubernetes.shared(NAMESPACE).client();
    String name = nextName();
    GenericKubernetesResource stored =
        client
            .resource(resource(client, named(oldManifest, name)))
            .inNamespace(NAMESPACE)
            .fieldValidation(Validation.STRICT)
            .create();
    try {
      GenericKubernetesResource updated = resource(client, named(newManifest, name));
      updated.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
      client
          .resource(updated)
          .inNamespace(NAMESPACE)
          .dryRun()
          .fieldValidation(Validation.STRICT)
          .update();
      return List.of();
    } catch (KubernetesClientException e) {
      return problems(e);
    } finally {
      client.resource(stored).inNamespace(NAMESPACE).delete();
    }
  }

  /**
   * The server's message, then each cause it lists (field and message), for assertions on any of
   * them.
   */
  static List<String> problems(KubernetesClientException e) {
    if (e.getCode() != 422 && e.getCode() != 400) {
      throw e;
    }
    List<String> problems = new ArrayList<>();
    problems.add(
        e.getStatus() == null || e.getStatus().getMessage() == null
            ? e.getMessage()
            : e.getStatus().getMessage());
    if (e.getStatus() != null && e.getStatus().getDetails() != null) {
      for (StatusCause cause : e.getStatus().getDetails().getCauses()) {
        problems.add(cause.getField() + ": " + cause.getMessage());
      }
    }
    return problems;
  }

  private static String nextName() {
    return "check-" + NAMES.incrementAndGet();
  }

  private static JsonNode named(JsonNode manifest, String name) {
    ObjectNode copy = manifest.deepCopy();
    copy.withObject("/metadata").put("name", name).remove("namespace");
    return copy;
  }

  private static GenericKubernetesResource resource(KubernetesClient client, JsonNode manifest) {
    return client
        .getKubernetesSerialization()
        .convertValue(manifest, GenericKubernetesResource.class);
  }
}
