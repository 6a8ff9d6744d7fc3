package dev.insight.streaming.sinkstores.cassandra;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.FieldType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A pipeline's Cassandra table: a keyspace with its replication and a table keyed by the row id,
 * one column per field, or, for a pipeline without fields ({@code wholeRecord}), one {@value
 * #RECORD_COLUMN} column holding each record as JSON.
 *
 * <p>{@link #ensure} brings a table to the schema the way Cassandra allows: it creates what is
 * missing and adds missing columns; it never drops or retypes a column (Cassandra cannot change a
 * column's type), so a column whose type differs is refused with a {@link ColumnTypeConflict}.
 */
public record CassandraSchema(
    String keyspace,
    String table,
    Replication replication,
    List<Column> columns,
    boolean wholeRecord) {

  /** The primary key column holding the row id. */
  public static final String ID_COLUMN = "id";

  /** The column holding the whole record as JSON text when the transform names no fields. */
  public static final String RECORD_COLUMN = "record";

  // schema changes wait for agreement between nodes; a fresh single node answers in well under this
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

  private static final String ID_TYPE = FieldType.STRING.cqlType();

  public CassandraSchema {
    Objects.requireNonNull(keyspace, "keyspace");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(replication, "replication");
    columns = List.copyOf(columns);
    if (columns.stream().anyMatch(c -> c.name().equals(ID_COLUMN))) {
      throw new IllegalArgumentException(
          "column name '" + ID_COLUMN + "' is reserved for the row id");
    }
    if (wholeRecord && !columns.equals(List.of(recordColumn()))) {
      throw new IllegalArgumentException(
          "a whole-record table has exactly the column " + RECORD_COLUMN + " text");
    }
  }

  /** A table with the given columns (besides the id). */
  public CassandraSchema(
      String keyspace, String table, Replication replication, List<Column> columns) {
    this(keyspace, table, replication, columns, false);
  }

  /**
   * The table for a transform's fields: one column per field, except a field named {@value
   * #ID_COLUMN}, which is the id itself; with no fields at all, the whole record as JSON in {@value
   * #RECORD_COLUMN}.
   */
  public static CassandraSchema forFields(
      String keyspace, String table, Replication replication, List<Column> fields) {
    if (fields.isEmpty()) {
      return new CassandraSchema(keyspace, table, replication, List.of(recordColumn()), true);
    }
    List<Column> columns = fields.stream().filter(c -> !c.name().equals(ID_COLUMN)).toList();
    return new CassandraSchema(keyspace, table, replication, columns, false);
  }

  /** The column a whole-record table stores each record's JSON in. */
  public static Column recordColumn() {
    return new Column(RECORD_COLUMN, FieldType.STRING);
  }

  /**
   * Brings the table to this schema: creates the keyspace and table when missing and adds ({@code
   * ALTER TABLE ... ADD}) every column the table lacks. Columns the table has beyond this schema
   * are left alone. Safe to run from several writers at once (operator and job).
   *
   * @return the columns this call added; empty when the table already had them all
   * @throws ColumnTypeConflict when a column exists with another type (or the table is not keyed by
   *     a text {@value #ID_COLUMN}); nothing is changed then
   */
  public List<Column> ensure(CqlSession session) {
    execute(session, createKeyspaceCql(keyspace, replication));
    Map<String, TableColumn> existing = tableColumns(session);
    if (existing.isEmpty()) {
      execute(session, createTableCql());
      // another writer may have created it a moment earlier, from another spec
      existing = tableColumns(session);
    }
    List<ColumnTypeConflict.Mismatch> mismatches = mismatches(existing);
    if (!mismatches.isEmpty()) {
      throw new ColumnTypeConflict(keyspace, table, mismatches);
    }
    List<Column> added = new ArrayList<>();
    for (Column column : columns) {
      if (existing.containsKey(column.name())) {
        continue;
      }
      try {
        execute(session, addColumnCql(column));
        added.add(column);
      } catch (QueryValidationException e) {
        // another writer may have added it meanwhile: fine with this type, refused with another
        TableColumn now = tableColumns(session).get(column.name());
        if (now == null) {
          throw e;
        }
        if (!now.type().equalsIgnoreCase(column.type().cqlType())) {
          throw new ColumnTypeConflict(
              keyspace,
              table,
              List.of(
                  new ColumnTypeConflict.Mismatch(
                      column.name(), now.type(), column.type().cqlType())));
        }
      }
    }
    return added;
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

  /** {@code ALTER TABLE ... ADD} for one column. */
  String addColumnCql(Column column) {
    return "ALTER TABLE "
        + quote(keyspace)
        + "."
        + quote(table)
        + " ADD "
        + quote(column.name())
        + " "
        + column.type().cqlType();
  }

  private List<ColumnTypeConflict.Mismatch> mismatches(Map<String, TableColumn> existing) {
    List<ColumnTypeConflict.Mismatch> mismatches = new ArrayList<>();
    TableColumn id = existing.get(ID_COLUMN);
    if (id == null || !id.type().equalsIgnoreCase(ID_TYPE) || !id.kind().equals("partition_key")) {
      mismatches.add(
          new ColumnTypeConflict.Mismatch(
              ID_COLUMN,
              id == null ? "missing" : id.type() + " " + id.kind().replace('_', ' '),
              ID_TYPE + " partition key"));
    }
    for (Column column : columns) {
      TableColumn found = existing.get(column.name());
      if (found != null && !found.type().equalsIgnoreCase(column.type().cqlType())) {
        mismatches.add(
            new ColumnTypeConflict.Mismatch(column.name(), found.type(), column.type().cqlType()));
      }
    }
    return mismatches;
  }

  // read from system_schema rather than the driver's metadata, which another session's change
  // reaches only after a debounced refresh
  private Map<String, TableColumn> tableColumns(CqlSession session) {
    Map<String, TableColumn> found = new LinkedHashMap<>();
    for (Row row :
        session.execute(
            SimpleStatement.newInstance(
                "SELECT column_name, type, kind FROM system_schema.columns"
                    + " WHERE keyspace_name = ? AND table_name = ?",
                keyspace,
                table))) {
      found.put(
          row.getString("column_name"),
          new TableColumn(row.getString("type"), row.getString("kind")));
    }
    return found;
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

  private record TableColumn(String type, String kind) {}
}
