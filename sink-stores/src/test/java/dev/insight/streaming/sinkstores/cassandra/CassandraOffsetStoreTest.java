package dev.insight.streaming.sinkstores.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.OffsetStoreContract;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.PipelineKey;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServersExtension.class)
class CassandraOffsetStoreTest extends OffsetStoreContract {

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
  protected OffsetStore newStore(String location) {
    return new CassandraOffsetStore(session, location, Replication.simple(1));
  }

  @Test
  void anOffsetsTableFromBeforeFencingGetsItsEpochColumnAndKeepsItsOffsets() {
    String ks = "offsets_before_fencing";
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS "
            + ks
            + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute(
        "CREATE TABLE IF NOT EXISTS "
            + ks
            + ".offsets (pipeline text, topic text, partition int, offset bigint,"
            + " updated_at timestamp, PRIMARY KEY ((pipeline), topic, partition))");
    session.execute(
        "INSERT INTO "
            + ks
            + ".offsets (pipeline, topic, partition, offset) VALUES ('shop/old', 'a', 0, 42)");

    OffsetStore store = newStore(ks);
    store.createIfMissing();
    PipelineKey p = new PipelineKey("shop", "old");
    long epoch = store.claim(p);
    store.write(p, epoch, List.of(new PartitionOffset("a", 1, 7)));

    assertThat(store.read(p))
        .containsExactly(new PartitionOffset("a", 0, 42), new PartitionOffset("a", 1, 7));
  }
}
