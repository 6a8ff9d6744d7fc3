package dev.insight.streaming.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.insight.streaming.operator.secrets.RefusedSettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorClientSettingsTest {

  @Test
  void keepsOnlyTheAllowListAndRefusesAuthenticationThatReadsLocalCredentials() {
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";";
    Map<String, String> kept =
        OperatorClientSettings.of(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", jaas,
                "config.providers", "file",
                "sasl.login.callback.handler.class", "x.Y",
                "ssl.truststore.location", "/var/run/secrets/kubernetes.io/serviceaccount/token",
                "interceptor.classes", "x.Z"));
    assertThat(kept)
        .containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config")
        .containsEntry("sasl.jaas.config", jaas);

    assertThatThrownBy(() -> OperatorClientSettings.of(Map.of("sasl.mechanism", "OAUTHBEARER")))
        .isInstanceOf(RefusedSettingException.class)
        .hasMessageContaining("sasl.mechanism is OAUTHBEARER");
    assertThatThrownBy(() -> OperatorClientSettings.of(Map.of("ssl.keystore.type", "PKCS12")))
        .isInstanceOf(RefusedSettingException.class);
    // a JAAS line that does not start with a login module is not echoed: it may hold the password
    assertThatThrownBy(
            () -> OperatorClientSettings.of(Map.of("sasl.jaas.config", "password=\"hunter22\"")))
        .isInstanceOf(RefusedSettingException.class)
        .hasMessageContaining("no recognisable login module")
        .hasMessageNotContaining("hunter22");
  }
}
