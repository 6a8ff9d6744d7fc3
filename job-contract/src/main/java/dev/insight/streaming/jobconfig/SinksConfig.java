package dev.insight.streaming.jobconfig;

import java.io.Serializable;

/** The sinks rows go to; at least one. */
public record SinksConfig(CassandraSinkConfig cassandra, MongoSinkConfig mongodb)
    implements Serializable {

  void validate(Problems p, TransformConfig transform) {
    if (cassandra == null && mongodb == null) {
      p.add("sinks", "needs at least one of cassandra, mongodb");
    }
    if (cassandra != null) {
      cassandra.validate(p);
      for (int i = 0; i < transform.fields().size(); i++) {
        // the table's primary key column is "id"; a field of that name can only be that same value
        if ("id".equals(transform.fields().get(i).name())
            && !transform.keyFields().equals(java.util.List.of("id"))) {
          p.add(
              "transform.fields[" + i + "].name",
              "'id' is the Cassandra row-id column: a field named id"
                  + " must be the only key field (keyFields: [id])");
        }
      }
      // without fields the table stores each whole record as JSON (CassandraSchema.RECORD_COLUMN)
    }
    if (mongodb != null) {
      mongodb.validate(p);
    }
  }
}
