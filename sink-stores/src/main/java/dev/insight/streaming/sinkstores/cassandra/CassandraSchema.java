package dev.insight.streaming.sinkstores.cassandra;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.insight.streaming.sinkstores.Column;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A pipeline's Cassandra table: a keyspace with its replication and a table keyed by the row id,
 * one column per field.
 */
public record CassandraSchema(
    String keyspace, String table, Replication replication, List<Column> columns) {

  /** The primary key column holding the row id. */
  public static final String ID_COLUMN = "id";

  // schema changes wait for agreement between nodes; a fresh single node answers in well under this
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

  public CassandraSchema {
    Objects.requireNonNull(keyspace, "keyspace");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(replication, "replication");
    columns = List.copyOf(columns);
    if (columns.stream().anyMatch(c -> c.name().equals(ID_COLUMN))) {
      throw new IllegalArgumentException(
          "column name '" + ID_COLUMN + "' is reserved for the row id");
    }
  }

  /** Creates the keyspace and table when missing; an existing table is left as it is. */
  public void createIfMissing(CqlSession session) {
    execute(session, createKeyspaceCql(keyspace, replication));
    execute(session, createTableCql());
  }

  /** {@code CREATE TABLE IF NOT EXISTS} for this table. */
  public String createTableCql() {
    String fields =
        columns.stream()
            .map(c -> ", " + quote(c.name()) + " " + c.type().cqlType())
            .collect(Collectors.joining());
    return "CREATE TABLE IF NOT EXISTS "
        + quote(keyspace)
        + "."
        + quote(table)
        + " ("
        + ID_COLUMN
        + " text PRIMARY KEY"
        + fields
        + ")";
  }

  static String createKeyspaceCql(String keyspace, Replication replication) {
    return "CREATE KEYSPACE IF NOT EXISTS "
        + quote(keyspace)
        + " WITH replication = "
        + replication.cql();
  }

  static void execute(CqlSession session, String cql) {
    session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
  }

  /** Quotes an identifier only when CQL needs it, so mixed-case field names keep their case. */
  public static String quote(String identifier) {
    return CqlIdentifier.fromInternal(identifier).asCql(true);
  }
}
