package dev.insight.streaming.operator.secrets;

import java.util.Optional;

/**
 * A Secret named by a spec, or a key in it, does not exist. The message names the Secret and the
 * key, never a value, so it can go into a condition, an event and a log line as it is.
 */
public final class SecretNotFoundException extends RuntimeException {

  private final String namespace;
  private final String key;

  SecretNotFoundException(String namespace, String secretName, String key, String message) {
    super(message);
    this.namespace = namespace;
    this.key = key;
  }

  static SecretNotFoundException missingSecret(
      String namespace, String secretName, String usedFor) {
    return new SecretNotFoundException(
        namespace,
        secretName,
        null,
        "Secret "
            + namespace
            + "/"
            + secretName
            + " ("
            + usedFor
            + ") does not exist: create it in namespace "
            + namespace
            + " or fix the name in the spec");
  }

  static SecretNotFoundException missingKey(
      String namespace, String secretName, String key, String usedFor) {
    return new SecretNotFoundException(
        namespace,
        secretName,
        key,
        "Secret "
            + namespace
            + "/"
            + secretName
            + " has no key '"
            + key
            + "' ("
            + usedFor
            + "): add the key"
            + " to the Secret or fix the key in the spec");
  }

  public String namespace() {
    return namespace;
  }

  /** The missing key; empty when the whole Secret is missing. */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }
}
