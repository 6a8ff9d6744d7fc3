package dev.insight.streaming.sinkstores;

/** The types a row field can have, with the column type each sink stores it as. */
public enum FieldType {
  STRING("text"),
  LONG("bigint"),
  DOUBLE("double"),
  BOOLEAN("boolean"),
  TIMESTAMP("timestamp");

  private final String cqlType;

  FieldType(String cqlType) {
    this.cqlType = cqlType;
  }

  /** The Cassandra column type. */
  public String cqlType() {
    return cqlType;
  }

  /** Parses the lower-case name used in JobConfig ({@code string}, {@code long}, ...). */
  public static FieldType fromName(String name) {
    for (FieldType type : values()) {
      if (type.name().equalsIgnoreCase(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "unknown field type '" + name + "' (string, long, double, boolean, timestamp)");
  }
}
