package dev.insight.streaming.operator.sinksetup;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.insight.streaming.operator.secrets.RefusedSettingException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AmbientMongoCredentialsTest {

  private static final MongoCluster AWS =
      new MongoCluster("mongodb://db.example:27017/?authMechanism=MONGODB-AWS");

  @Test
  void refusedByDefaultAllowedWhenTheAdministratorListsThem() {
    assertThatThrownBy(() -> SinkConnections.refuseAmbientCredentials(AWS, Set.of()))
        .isInstanceOf(RefusedSettingException.class)
        .hasMessageContaining("authMechanism=MONGODB-AWS")
        .hasMessageContaining("--allow-mongodb-auth");
    assertThatCode(() -> SinkConnections.refuseAmbientCredentials(AWS, Set.of("MONGODB-AWS")))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                SinkConnections.refuseAmbientCredentials(
                    new MongoCluster("mongodb://u:p@db.example:27017/?authMechanism=SCRAM-SHA-256"),
                    Set.of()))
        .doesNotThrowAnyException();
  }
}
