package dev.insight.streaming.sinkstores.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
      assertThat(schema.ensure(session)).isEmpty();
      assertThat(schema.ensure(session)).isEmpty();

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
  void aFieldAddedToTheSchemaAddsItsColumnAndColumnsNoLongerWrittenStay(
      EmbeddedCassandra cassandra) {
    try (CqlSession session = session(cassandra)) {
      CassandraSchema first =
          schema("added", new Column("seq", FieldType.LONG), new Column("note", FieldType.STRING));
      first.ensure(session);
      session.execute("INSERT INTO evolution_test.added (id, seq, note) VALUES ('a', 1, 'kept')");

      CassandraSchema second =
          schema(
              "added",
              new Column("seq", FieldType.LONG),
              new Column("placedAt", FieldType.TIMESTAMP),
              new Column("paid", FieldType.BOOLEAN));
      assertThat(second.ensure(session))
          .containsExactly(
              new Column("placedAt", FieldType.TIMESTAMP), new Column("paid", FieldType.BOOLEAN));
      assertThat(second.ensure(session)).as("a second run finds nothing to add").isEmpty();

      assertThat(columnTypes(session, "added"))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "id", "text",
                  "seq", "bigint",
                  "note", "text",
                  "placedAt", "timestamp",
                  "paid", "boolean"));
      Row row = session.execute("SELECT * FROM evolution_test.added WHERE id = 'a'").one();
      assertThat(row.getString("note"))
          .as("a column no longer written keeps its data")
          .isEqualTo("kept");
      assertThat(row.isNull("paid")).isTrue();
    }
  }

  @Test
  void aChangedTypeIsRefusedNamingColumnAndBothTypesAndChangesNothing(EmbeddedCassandra cassandra) {
    try (CqlSession session = session(cassandra)) {
      schema("retyped", new Column("amount", FieldType.LONG)).ensure(session);

      CassandraSchema changed =
          schema(
              "retyped",
              new Column("amount", FieldType.STRING),
              new Column("currency", FieldType.STRING));
      assertThatThrownBy(() -> changed.ensure(session))
          .isInstanceOfSatisfying(
              ColumnTypeConflict.class,
              e -> {
                assertThat(e.mismatches())
                    .containsExactly(new ColumnTypeConflict.Mismatch("amount", "bigint", "text"));
                assertThat(e.getMessage())
                    .contains("evolution_test.retyped")
                    .contains("column amount is bigint, not text")
                    .contains("new name");
              });
      assertThat(columnTypes(session, "retyped"))
          .as("neither retyped nor the new column added")
          .containsExactlyInAnyOrderEntriesOf(Map.of("id", "text", "amount", "bigint"));
    }
  }

  @Test
  void aTableNotKeyedByATextIdIsRefused(EmbeddedCassandra cassandra) {
    try (CqlSession session = session(cassandra)) {
      schema("other", new Column("seq", FieldType.LONG)).ensure(session);
      session.execute(
          "CREATE TABLE evolution_test.foreign_key (id bigint PRIMARY KEY, seq bigint)");

      assertThatThrownBy(
              () -> schema("foreign_key", new Column("seq", FieldType.LONG)).ensure(session))
          .isInstanceOfSatisfying(
              ColumnTypeConflict.class,
              e ->
                  assertThat(e.mismatches())
                      .containsExactly(
                          new ColumnTypeConflict.Mismatch(
                              "id", "bigint partition key", "text partition key")));
    }
  }

  @Test
  void writersAddingTheSameColumnAtOnceAllSucceed(EmbeddedCassandra cassandra) throws Exception {
    try (CqlSession session = session(cassandra)) {
      schema("racing", new Column("seq", FieldType.LONG)).ensure(session);
      CassandraSchema wider =
          schema(
              "racing", new Column("seq", FieldType.LONG), new Column("extra", FieldType.DOUBLE));
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<Column>>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          runs.add(pool.submit(() -> wider.ensure(session)));
        }
        int added = 0;
        for (Future<List<Column>> run : runs) {
          added += run.get(60, TimeUnit.SECONDS).size();
        }
        assertThat(added).as("the column is added once, whoever wins").isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
      assertThat(columnTypes(session, "racing")).containsEntry("extra", "double");
    }
  }

  @Test
  void withoutFieldsTheTableHoldsTheWholeRecordAsJsonText(EmbeddedCassandra cassandra) {
    CassandraSchema schema =
        CassandraSchema.forFields("evolution_test", "whole", Replication.simple(1), List.of());
    assertThat(schema.wholeRecord()).isTrue();
    assertThat(schema.columns()).containsExactly(new Column("record", FieldType.STRING));
    try (CqlSession session = session(cassandra)) {
      schema.ensure(session);
      assertThat(columnTypes(session, "whole"))
          .containsExactlyInAnyOrderEntriesOf(Map.of("id", "text", "record", "text"));
    }
    CassandraSchema onlyId =
        CassandraSchema.forFields(
            "evolution_test",
            "keyed",
            Replication.simple(1),
            List.of(new Column("id", FieldType.STRING)));
    assertThat(onlyId.wholeRecord()).as("a field named id is the key, not no fields").isFalse();
    assertThat(onlyId.columns()).isEmpty();
  }

  private static CassandraSchema schema(String table, Column... columns) {
    return CassandraSchema.forFields(
        "evolution_test", table, Replication.simple(1), List.of(columns));
  }

  private static Map<String, String> columnTypes(CqlSession session, String table) {
    Map<String, String> types = new HashMap<>();
    session
        .execute(
            "SELECT column_name, type FROM system_schema.columns"
                + " WHERE keyspace_name = 'evolution_test' AND table_name = ?",
            table)
        .forEach(r -> types.put(r.getString(0), r.getString(1)));
    return types;
  }

  private static CqlSession session(EmbeddedCassandra cassandra) {
    return CqlSession.builder()
        .addContactPoint(new java.net.InetSocketAddress(cassandra.host(), cassandra.port()))
        .withLocalDatacenter(cassandra.localDatacenter())
        .build();
  }

  @Test
  void replicationRendersAsCqlMap() {
    assertThat(Replication.simple(3).cql())
        .isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 3}");
    assertThat(Replication.networkTopology(Map.of("dc2", 2, "dc1", 3)).cql())
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
  }
}
