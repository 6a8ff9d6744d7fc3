package dev.insight.streaming.operator.sinksetup;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.internal.core.metadata.DefaultEndPoint;
import com.mongodb.MongoCredential;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** A failed sink check is explained by what most likely needs fixing. */
class SinkFailureMessageTest {

  @Test
  void refusedCredentialsPointAtTheSecret() {
    AuthenticationException cassandra =
        new AuthenticationException(
            new DefaultEndPoint(new InetSocketAddress("127.0.0.1", 9042)),
            "Provided username and/or password are incorrect");
    assertThat(SinkStep.cassandraFailure(cassandra, true))
        .isEqualTo(
            " refused the credentials; check the Secret named by spec.sinks.cassandra.credentialsSecret: ");

    MongoSecurityException mongo =
        new MongoSecurityException(
            MongoCredential.createScramSha256Credential("app", "admin", "wrong".toCharArray()),
            "Exception authenticating");
    assertThat(SinkStep.mongoFailure(mongo, true))
        .contains("refused the credentials")
        .contains("spec.sinks.mongodb.uriSecret");
    assertThat(SinkStep.mongoFailure(new IllegalArgumentException("bad uri"), true))
        .contains("connection string in the Secret named by spec.sinks.mongodb.uriSecret");
  }

  @Test
  void outagesAndSchemaErrorsReadAsBefore() {
    assertThat(SinkStep.cassandraFailure(new DriverTimeoutException("slow"), true))
        .isEqualTo(" is unreachable: ");
    assertThat(SinkStep.cassandraFailure(new DriverTimeoutException("slow"), false))
        .isEqualTo(": could not create the schema: ");
    assertThat(SinkStep.mongoFailure(new MongoTimeoutException("no server"), true))
        .isEqualTo(" is unreachable: ");
  }
}
