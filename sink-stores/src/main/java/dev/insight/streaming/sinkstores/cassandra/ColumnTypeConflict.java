package dev.insight.streaming.sinkstores.cassandra;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A table's columns differ in type from what the pipeline writes. Cassandra cannot change a
 * column's type, so nothing was changed: the field needs its old type back, a new name (a new
 * column) or a new table.
 */
public final class ColumnTypeConflict extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * One column whose type in the table ({@code tableType}) is not the one written ({@code
   * wantedType}); both in CQL terms.
   */
  public record Mismatch(String column, String tableType, String wantedType) {}

  private final String keyspace;
  private final String table;
  private final transient List<Mismatch> mismatches;

  public ColumnTypeConflict(String keyspace, String table, List<Mismatch> mismatches) {
    super(message(keyspace, table, mismatches));
    this.keyspace = keyspace;
    this.table = table;
    this.mismatches = List.copyOf(mismatches);
  }

  public String keyspace() {
    return keyspace;
  }

  public String table() {
    return table;
  }

  public List<Mismatch> mismatches() {
    return mismatches;
  }

  private static String message(String keyspace, String table, List<Mismatch> mismatches) {
    return "table "
        + keyspace
        + "."
        + table
        + " cannot take the rows: "
        + mismatches.stream()
            .map(m -> "column " + m.column() + " is " + m.tableType() + ", not " + m.wantedType())
            .collect(Collectors.joining(", "))
        + "; Cassandra cannot change a column's type: keep the field's type, give the field a new"
        + " name (a new column) or write to a new table";
  }
}
