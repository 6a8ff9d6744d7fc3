package dev.insight.streaming.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServersExtension.class)
class CassandraRoundTripTest {

  @Test
  void createKeyspaceAndTableThenInsertAndSelect(EmbeddedCassandra cassandra) {
    assertThat(cassandra.contactPoint()).isEqualTo("127.0.0.1:" + cassandra.port());
    assertThat(cassandra.releaseVersion()).startsWith("5.0.");
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
            .withLocalDatacenter(cassandra.localDatacenter())
            // schema changes take seconds on 2 busy cores; the driver's default 2 s is for
            // production latency
            .withConfigLoader(
                DriverConfigLoader.programmaticBuilder()
                    .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                    .build())
            .build()) {
      session.execute(
          "CREATE KEYSPACE IF NOT EXISTS round_trip WITH replication ="
              + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
      session.execute(
          "CREATE TABLE IF NOT EXISTS round_trip.events (topic text, partition int, offset bigint,"
              + " payload text, PRIMARY KEY ((topic, partition), offset))");
      PreparedStatement insert =
          session.prepare(
              "INSERT INTO round_trip.events (topic, partition, offset, payload) VALUES (?, ?, ?, ?)");
      for (long offset = 0; offset < 10; offset++) {
        session.execute(insert.bind("orders", 1, offset, "payload-" + offset));
      }

      List<Row> rows =
          session
              .execute(
                  "SELECT offset, payload FROM round_trip.events"
                      + " WHERE topic = 'orders' AND partition = 1 AND offset >= 7")
              .all();

      assertThat(rows)
          .extracting(r -> r.getLong("offset") + ":" + r.getString("payload"))
          .containsExactly("7:payload-7", "8:payload-8", "9:payload-9");
    }
  }
}
