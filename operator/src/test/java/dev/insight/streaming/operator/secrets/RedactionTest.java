package dev.insight.streaming.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void masksCredentialShapedTextWithoutKnowingTheValues() {
    assertThat(
            Redaction.scrub(
                "Timed out after 5000 ms while connecting to mongodb://app:s3cr3t-Pw@db.example:27017/x"))
        .isEqualTo("Timed out after 5000 ms while connecting to mongodb://***@db.example:27017/x");
    assertThat(
            Redaction.scrub(
                "bad config: sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                    + " required username=\"u\" password=\"p4ss\";\nnext line"))
        .isEqualTo("bad config: sasl.jaas.config=***\nnext line");
    assertThat(Redaction.scrub("{\"ssl.keystore.password\": \"k3y-pw\", \"other\": 1}"))
        .isEqualTo("{\"ssl.keystore.password\": ***, \"other\": 1}");
    assertThat(Redaction.scrub("access_token=abc.def.ghi; user=x"))
        .isEqualTo("access_token=***; user=x");
  }

  @Test
  void leavesOrdinaryMessagesAlone() {
    String message =
        "Secret shop/orders-mongo (sinks.mongodb.uriSecret) has no key 'uri': add the key;"
            + " spec.sinks.cassandra.credentialsSecret: AllNodesFailedException; ssl.key.password = [hidden]";
    assertThat(Redaction.scrub(message)).isEqualTo(message);
  }

  @Test
  void stillMasksKnownValuesAnywhere() {
    assertThat(Redaction.scrub("login failed for hunter2hunter2", List.of("hunter2hunter2")))
        .isEqualTo("login failed for ***");
  }
}
