package dev.insight.streaming.operator.secrets;

import dev.insight.streaming.operator.api.spec.SecretKeyRef;
import dev.insight.streaming.operator.api.spec.SecretRef;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the values of the Secrets a spec names, in the pipeline's namespace. A missing Secret or
 * key is a {@link SecretNotFoundException} naming both; values are returned to the caller and never
 * logged here.
 */
public final class SecretResolver {

  private final KubernetesClient client;

  public SecretResolver(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The value of one key.
   *
   * @param usedFor what the value is for, e.g. {@code sinks.mongodb.uriSecret}, so the error says
   *     where to look
   */
  public String value(String namespace, SecretKeyRef ref, String usedFor) {
    return value(namespace, ref.getName(), ref.getKey(), usedFor);
  }

  /** The value of key {@code key} of Secret {@code secretName}. */
  public String value(String namespace, String secretName, String key, String usedFor) {
    Map<String, String> values = values(namespace, secretName, usedFor);
    String value = values.get(key);
    if (value == null) {
      throw SecretNotFoundException.missingKey(namespace, secretName, key, usedFor);
    }
    return value;
  }

  /**
   * The values of several keys of one Secret, read once.
   *
   * @param usedForByKey each key, with what its value is for, so a missing key's error says where
   *     to look
   */
  public Map<String, String> values(
      String namespace, String secretName, Map<String, String> usedForByKey) {
    Map<String, String> all =
        values(namespace, secretName, usedForByKey.values().iterator().next());
    Map<String, String> wanted = new LinkedHashMap<>();
    usedForByKey.forEach(
        (key, usedFor) -> {
          String value = all.get(key);
          if (value == null) {
            throw SecretNotFoundException.missingKey(namespace, secretName, key, usedFor);
          }
          wanted.put(key, value);
        });
    return wanted;
  }

  /**
   * Every key and value of a Secret named as a whole, e.g. Kafka client settings, sorted by key.
   */
  public Map<String, String> values(String namespace, SecretRef ref, String usedFor) {
    return values(namespace, ref.getName(), usedFor);
  }

  /**
   * One Secret as read: its resourceVersion (which changes with every edit) and its values, sorted
   * by key.
   */
  public record Read(String name, String resourceVersion, Map<String, String> values) {

    /** The value of {@code key}, or a {@link SecretNotFoundException} saying what it was for. */
    public String value(String namespace, String key, String usedFor) {
      String value = values.get(key);
      if (value == null) {
        throw SecretNotFoundException.missingKey(namespace, name, key, usedFor);
      }
      return value;
    }

    @Override
    public String toString() {
      return "Secret "
          + name
          + " at resourceVersion "
          + resourceVersion
          + " with keys "
          + values.keySet();
    }
  }

  /** Reads a whole Secret once. */
  public Read read(String namespace, String secretName, String usedFor) {
    Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (secret == null) {
      throw SecretNotFoundException.missingSecret(namespace, secretName, usedFor);
    }
    Map<String, String> values = new TreeMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(
                      k,
                      new String(
                          Base64.getDecoder().decode(v == null ? "" : v), StandardCharsets.UTF_8)));
    }
    return new Read(
        secretName,
        secret.getMetadata().getResourceVersion(),
        Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  private Map<String, String> values(String namespace, String secretName, String usedFor) {
    return new LinkedHashMap<>(read(namespace, secretName, usedFor).values());
  }
}
