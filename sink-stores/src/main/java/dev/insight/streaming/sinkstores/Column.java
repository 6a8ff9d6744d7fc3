package dev.insight.streaming.sinkstores;

import java.util.Objects;

/** One field of a sink row besides its id: the name it is stored under and its type. */
public record Column(String name, FieldType type) {

  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
