package dev.insight.streaming.sinkstores.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import com.datastax.oss.driver.api.core.type.DataTypes;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.FieldType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServersExtension.class)
class CassandraSchemaTest {

  @Test
  void createsKeyspaceWithReplicationAndTableKeyedByRowId(EmbeddedCassandra cassandra) {
    CassandraSchema schema =
        new CassandraSchema(
            "schema_test",
            "orders",
            Replication.networkTopology(Map.of(cassandra.localDatacenter(), 1)),
            List.of(
                new Column("customerId", FieldType.STRING),
                new Column("amount", FieldType.DOUBLE),
                new Column("quantity", FieldType.LONG),
                new Column("paid", FieldType.BOOLEAN),
                new Column("placed_at", FieldType.TIMESTAMP)));
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new java.net.InetSocketAddress(cassandra.host(), cassandra.port()))
            .withLocalDatacenter(cassandra.localDatacenter())
            .build()) {
      schema.createIfMissing(session);
      schema.createIfMissing(session);

      KeyspaceMetadata ks = session.refreshSchema().getKeyspace("schema_test").orElseThrow();
      assertThat(ks.getReplication())
          .containsEntry("class", "org.apache.cassandra.locator.NetworkTopologyStrategy")
          .containsEntry(cassandra.localDatacenter(), "1");
      TableMetadata table = ks.getTable("orders").orElseThrow();
      assertThat(table.getPartitionKey())
          .singleElement()
          .satisfies(c -> assertThat(c.getName().asInternal()).isEqualTo("id"));
      assertThat(table.getColumn(CqlIdentifier.fromInternal("customerId")).orElseThrow().getType())
          .isEqualTo(DataTypes.TEXT);
      assertThat(table.getColumn("amount").orElseThrow().getType()).isEqualTo(DataTypes.DOUBLE);
      assertThat(table.getColumn("quantity").orElseThrow().getType()).isEqualTo(DataTypes.BIGINT);
      assertThat(table.getColumn("paid").orElseThrow().getType()).isEqualTo(DataTypes.BOOLEAN);
      assertThat(table.getColumn("placed_at").orElseThrow().getType())
          .isEqualTo(DataTypes.TIMESTAMP);

      // an upsert by id replaces, so a replayed row is invisible
      Instant at = Instant.parse("2024-01-02T03:04:05.006Z");
      for (int i = 0; i < 2; i++) {
        session.execute(
            "INSERT INTO schema_test.orders (id, \"customerId\", amount, quantity, paid, placed_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)",
            "o-1",
            "c-9",
            12.5,
            3L,
            true,
            at);
      }
      List<Row> rows = session.execute("SELECT * FROM schema_test.orders").all();
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).getString("\"customerId\"")).isEqualTo("c-9");
      assertThat(rows.get(0).getInstant("placed_at")).isEqualTo(at);
    }
  }

  @Test
  void replicationRendersAsCqlMap() {
    assertThat(Replication.simple(3).cql())
        .isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 3}");
    assertThat(Replication.networkTopology(Map.of("dc2", 2, "dc1", 3)).cql())
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
  }
}
