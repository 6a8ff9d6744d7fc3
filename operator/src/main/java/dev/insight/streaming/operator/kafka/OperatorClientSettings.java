package dev.insight.streaming.operator.kafka;

import dev.insight.streaming.operator.secrets.RefusedSettingException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which of a pipeline's Kafka client settings the operator's own clients (topics, lag) use: an
 * allow-list. The job gets every setting, since it runs as the pipeline's own driver with the
 * namespace's ServiceAccount; the operator's clients run with the operator's identity, so any
 * setting that makes a client read local files, load classes, resolve config providers or fetch
 * tokens from URLs would let a pipeline's author borrow it. Those settings are left out, and
 * authentication the operator cannot do safely is refused with a message that says so.
 */
public final class OperatorClientSettings {

  /**
   * The settings the operator's Kafka clients take from a pipeline; everything else is left out.
   */
  public static final Set<String> ALLOWED =
      Set.of(
          "security.protocol",
          "sasl.mechanism",
          "sasl.jaas.config",
          "ssl.protocol",
          "ssl.enabled.protocols",
          "ssl.cipher.suites",
          "ssl.endpoint.identification.algorithm",
          "ssl.truststore.type",
          "ssl.truststore.certificates",
          "ssl.keystore.type",
          "ssl.keystore.certificate.chain",
          "ssl.keystore.key",
          "ssl.key.password",
          "client.dns.lookup");

  /**
   * SASL mechanisms whose credentials come entirely from the JAAS line in the pipeline's Secret.
   */
  public static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

  private static final Set<String> PROTOCOLS =
      Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

  private static final Set<String> LOGIN_MODULES =
      Set.of(
          "org.apache.kafka.common.security.plain.PlainLoginModule",
          "org.apache.kafka.common.security.scram.ScramLoginModule");

  // stores from files would be files of the operator's pod: in-line PEM only
  private static final Set<String> STORE_TYPES = Set.of("PEM");

  // what may be echoed into a condition: a class name, or a short protocol/mechanism-like token
  private static final Pattern CLASS_NAME =
      Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private OperatorClientSettings() {}

  /**
   * The allowed subset of {@code settings}.
   *
   * @throws RefusedSettingException when an allowed key has a value the operator will not use
   *     (another SASL mechanism, another login module, a store type other than PEM)
   */
  public static Map<String, String> of(Map<String, String> settings) {
    Map<String, String> allowed = new TreeMap<>();
    settings.forEach(
        (key, value) -> {
          if (ALLOWED.contains(key) && value != null) {
            allowed.put(key, value);
          }
        });
    check(allowed, "security.protocol", PROTOCOLS, "the protocols Kafka defines");
    check(
        allowed,
        "sasl.mechanism",
        MECHANISMS,
        "the mechanisms whose credentials the Secret holds in full (the operator's own client does"
            + " not fetch tokens or use Kerberos)");
    check(allowed, "ssl.truststore.type", STORE_TYPES, "in-line PEM (ssl.truststore.certificates)");
    check(allowed, "ssl.keystore.type", STORE_TYPES, "in-line PEM (ssl.keystore.key and chain)");
    String jaas = allowed.get("sasl.jaas.config");
    if (jaas != null) {
      String module = jaas.strip().split("\\s+", 2)[0];
      if (!LOGIN_MODULES.contains(module)) {
        throw new RefusedSettingException(
            "sasl.jaas.config names "
                + (CLASS_NAME.matcher(module).matches() && module.length() <= 120
                    ? "login module " + module
                    : "no recognisable login module")
                + "; the operator's Kafka client accepts only "
                + String.join(" and ", new TreeSet<>(LOGIN_MODULES))
                + ". Use SASL PLAIN or SCRAM for the operator, or ask your administrator");
      }
    }
    return allowed;
  }

  private static void check(
      Map<String, String> settings, String key, Set<String> values, String what) {
    String value = settings.get(key);
    if (value != null && !values.contains(value.strip().toUpperCase(Locale.ROOT))) {
      throw new RefusedSettingException(
          key
              + " is "
              + (TOKEN.matcher(value).matches() ? value : "not a recognisable value")
              + "; the operator's own Kafka client accepts "
              + String.join(", ", new TreeSet<>(values))
              + " ("
              + what
              + ")");
    }
  }
}
