package dev.insight.streaming.sinkstores.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.SinkClaims;
import dev.insight.streaming.sinkstores.SinkClaimsContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServersExtension.class)
class CassandraSinkClaimsTest extends SinkClaimsContract {

  private static CqlSession session;

  @BeforeAll
  static void connect(EmbeddedCassandra cassandra) {
    session =
        CqlSession.builder()
            .addContactPoint(new java.net.InetSocketAddress(cassandra.host(), cassandra.port()))
            .withLocalDatacenter(cassandra.localDatacenter())
            .build();
  }

  @AfterAll
  static void disconnect() {
    if (session != null) {
      session.close();
    }
  }

  @Override
  protected SinkClaims newClaims(String location) {
    return new CassandraSinkClaims(session, location, Replication.simple(1));
  }
}
