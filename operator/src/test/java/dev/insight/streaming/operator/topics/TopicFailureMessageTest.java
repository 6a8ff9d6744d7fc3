package dev.insight.streaming.operator.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** A failed Kafka request is explained by what most likely needs fixing. */
class TopicFailureMessageTest {

  @Test
  void refusedCredentialsPointAtTheClientSecret() {
    String message =
        TopicStep.failureMessage(
            "kafka:9092",
            new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"));

    assertThat(message)
        .startsWith(
            "Kafka at kafka:9092 refused the operator's credentials; check the Secret named"
                + " by spec.kafka.clientSecret")
        .contains("SaslAuthenticationException: Authentication failed");
    assertThat(TopicStep.unreachable(new SaslAuthenticationException("x")))
        .as("retried like an outage")
        .isTrue();
  }

  @Test
  void anOutageAndARefusalSayWhichTheyAre() {
    assertThat(TopicStep.failureMessage("kafka:9092", new DisconnectException("gone")))
        .isEqualTo("Kafka at kafka:9092 is unreachable: DisconnectException: gone");
    assertThat(
            TopicStep.failureMessage("kafka:9092", new TopicAuthorizationException("not allowed")))
        .isEqualTo(
            "Kafka at kafka:9092 refused a topic request: TopicAuthorizationException: not allowed");
  }
}
