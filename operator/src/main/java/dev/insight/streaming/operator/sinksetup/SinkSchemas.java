package dev.insight.streaming.operator.sinksetup;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.CassandraSinkSpec;
import dev.insight.streaming.operator.api.spec.FieldSpec;
import dev.insight.streaming.operator.api.spec.MongoSinkSpec;
import dev.insight.streaming.operator.api.spec.ReplicationSpec;
import dev.insight.streaming.operator.api.spec.ReplicationStrategy;
import dev.insight.streaming.operator.api.spec.TransformSpec;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.FieldType;
import dev.insight.streaming.sinkstores.cassandra.CassandraSchema;
import dev.insight.streaming.sinkstores.cassandra.Replication;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sink schemas a spec asks for, in the {@code sinks} module's terms, so the operator creates
 * exactly what the job writes into: the table has the row id plus one column per transform field (a
 * field named {@code id} is the id itself) or, without fields, the record column, and the
 * keyspace's replication applies to the offsets keyspace too when the operator creates it.
 */
public final class SinkSchemas {

  private SinkSchemas() {}

  /**
   * The Cassandra table of the pipeline's Cassandra sink: a column per transform field, or the
   * whole record as JSON without fields.
   */
  public static CassandraSchema cassandra(StreamingPipeline pipeline) {
    CassandraSinkSpec spec = pipeline.getSpec().getSinks().getCassandra();
    List<Column> fields = new ArrayList<>();
    for (FieldSpec field : fields(pipeline)) {
      fields.add(new Column(field.getName(), fieldType(field)));
    }
    return CassandraSchema.forFields(
        spec.getKeyspace(), spec.getTable(), replication(spec), fields);
  }

  /** The spec's transform fields; empty without any. */
  public static List<FieldSpec> fields(StreamingPipeline pipeline) {
    TransformSpec transform = pipeline.getSpec().getTransform();
    return transform == null || transform.getFields() == null ? List.of() : transform.getFields();
  }

  /** A field's type; omitted is string. */
  public static FieldType fieldType(FieldSpec field) {
    return FieldType.fromName(field.getType() == null ? "string" : field.getType().name());
  }

  /**
   * The keyspace replication of the pipeline's Cassandra sink: the factor applies to its local
   * datacenter.
   */
  public static Replication replication(CassandraSinkSpec spec) {
    ReplicationSpec replication = spec.getReplication();
    int factor =
        replication == null || replication.getFactor() == null ? 1 : replication.getFactor();
    boolean topology =
        replication != null
            && replication.getStrategy() == ReplicationStrategy.NetworkTopologyStrategy;
    return topology
        ? Replication.networkTopology(Map.of(spec.getLocalDatacenter(), factor))
        : Replication.simple(factor);
  }

  /** The MongoDB collection of the pipeline's MongoDB sink. */
  public static MongoSchema mongo(StreamingPipeline pipeline) {
    MongoSinkSpec spec = pipeline.getSpec().getSinks().getMongodb();
    return new MongoSchema(spec.getDatabase(), spec.getCollection());
  }
}
