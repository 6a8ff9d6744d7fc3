package dev.insight.streaming.sinkstores.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.PartitionOffset;
import dev.insight.streaming.sinkstores.PipelineKey;
import dev.insight.streaming.sinkstores.RetentionGap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Offsets in Cassandra: table {@code <keyspace>.offsets}, partition key {@code pipeline},
 * clustering {@code (topic, partition)}, shared by every pipeline of the cluster; gaps in {@code
 * <keyspace>.retention_gaps}.
 */
public final class CassandraOffsetStore implements OffsetStore {

  /** Where offsets live unless JobConfig says otherwise. */
  public static final String DEFAULT_KEYSPACE = "streaming_pipeline";

  public static final String OFFSETS_TABLE = "offsets";
  public static final String GAPS_TABLE = "retention_gaps";

  // offsets decide where a restarted job resumes: read and write them at quorum like the connector
  // writes rows
  private static final ConsistencyLevel CONSISTENCY = ConsistencyLevel.LOCAL_QUORUM;

  private final CqlSession session;
  private final String keyspace;
  private final Replication replication;
  private volatile Statements statements;

  /**
   * @param session a session the caller owns and closes (the job passes the connector's, the
   *     operator its own)
   * @param keyspace the keyspace holding the offset tables
   * @param replication used only when the keyspace has to be created
   */
  public CassandraOffsetStore(CqlSession session, String keyspace, Replication replication) {
    this.session = Objects.requireNonNull(session, "session");
    this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
    this.replication = Objects.requireNonNull(replication, "replication");
  }

  @Override
  public void createIfMissing() {
    String ks = CassandraSchema.quote(keyspace);
    CassandraSchema.execute(session, CassandraSchema.createKeyspaceCql(keyspace, replication));
    CassandraSchema.execute(
        session,
        "CREATE TABLE IF NOT EXISTS "
            + ks
            + "."
            + OFFSETS_TABLE
            + " (pipeline text, topic text, partition int, offset bigint, updated_at timestamp,"
            + " PRIMARY KEY ((pipeline), topic, partition))");
    CassandraSchema.execute(
        session,
        "CREATE TABLE IF NOT EXISTS "
            + ks
            + "."
            + GAPS_TABLE
            + " (pipeline text, topic text, partition int, from_offset bigint, to_offset bigint, detected_at timestamp,"
            + " PRIMARY KEY ((pipeline), topic, partition, from_offset))");
  }

  @Override
  public void write(PipelineKey pipeline, Collection<PartitionOffset> endOffsets) {
    if (endOffsets.isEmpty()) {
      return;
    }
    Statements s = statements();
    Instant now = Instant.now();
    // one pipeline = one Cassandra partition, so the unlogged batch is applied atomically and in
    // isolation
    BatchStatementBuilder batch =
        BatchStatement.builder(DefaultBatchType.UNLOGGED).setConsistencyLevel(CONSISTENCY);
    for (PartitionOffset o : endOffsets) {
      batch.addStatement(
          s.writeOffset.bind(pipeline.key(), o.topic(), o.partition(), o.offset(), now));
    }
    session.execute(batch.build());
  }

  @Override
  public List<PartitionOffset> read(PipelineKey pipeline) {
    List<PartitionOffset> offsets = new ArrayList<>();
    for (Row row : session.execute(statements().readOffsets.bind(pipeline.key()))) {
      offsets.add(offset(row));
    }
    return offsets;
  }

  @Override
  public Map<PipelineKey, List<PartitionOffset>> readMany(Collection<PipelineKey> pipelines) {
    Map<PipelineKey, List<PartitionOffset>> byPipeline = new LinkedHashMap<>();
    pipelines.forEach(p -> byPipeline.put(p, new ArrayList<>()));
    if (pipelines.isEmpty()) {
      return byPipeline;
    }
    List<String> keys = pipelines.stream().map(PipelineKey::key).distinct().toList();
    for (Row row : session.execute(statements().readManyOffsets.bind(keys))) {
      byPipeline.get(PipelineKey.parse(row.getString("pipeline"))).add(offset(row));
    }
    byPipeline
        .values()
        .forEach(
            list ->
                list.sort(
                    Comparator.comparing(PartitionOffset::topic)
                        .thenComparingInt(PartitionOffset::partition)));
    return byPipeline;
  }

  @Override
  public void recordGap(PipelineKey pipeline, RetentionGap gap) {
    session.execute(
        statements()
            .writeGap
            .bind(
                pipeline.key(),
                gap.topic(),
                gap.partition(),
                gap.fromOffset(),
                gap.toOffset(),
                gap.detectedAt()));
  }

  @Override
  public List<RetentionGap> gaps(PipelineKey pipeline) {
    List<RetentionGap> gaps = new ArrayList<>();
    for (Row row : session.execute(statements().readGaps.bind(pipeline.key()))) {
      gaps.add(
          new RetentionGap(
              row.getString("topic"),
              row.getInt("partition"),
              row.getLong("from_offset"),
              row.getLong("to_offset"),
              row.getInstant("detected_at")));
    }
    return gaps;
  }

  private static PartitionOffset offset(Row row) {
    return new PartitionOffset(
        row.getString("topic"), row.getInt("partition"), row.getLong("offset"));
  }

  // prepared lazily: the tables may only exist once createIfMissing has run
  private Statements statements() {
    Statements s = statements;
    if (s == null) {
      s = new Statements(session, CassandraSchema.quote(keyspace));
      statements = s;
    }
    return s;
  }

  private static final class Statements {
    final PreparedStatement writeOffset;
    final BoundStatementFactory readOffsets;
    final BoundStatementFactory readManyOffsets;
    final BoundStatementFactory writeGap;
    final BoundStatementFactory readGaps;

    Statements(CqlSession session, String ks) {
      writeOffset =
          session.prepare(
              "INSERT INTO "
                  + ks
                  + "."
                  + OFFSETS_TABLE
                  + " (pipeline, topic, partition, offset, updated_at) VALUES (?, ?, ?, ?, ?)");
      readOffsets =
          new BoundStatementFactory(
              session.prepare(
                  "SELECT pipeline, topic, partition, offset FROM "
                      + ks
                      + "."
                      + OFFSETS_TABLE
                      + " WHERE pipeline = ?"));
      readManyOffsets =
          new BoundStatementFactory(
              session.prepare(
                  "SELECT pipeline, topic, partition, offset FROM "
                      + ks
                      + "."
                      + OFFSETS_TABLE
                      + " WHERE pipeline IN ?"));
      writeGap =
          new BoundStatementFactory(
              session.prepare(
                  "INSERT INTO "
                      + ks
                      + "."
                      + GAPS_TABLE
                      + " (pipeline, topic, partition, from_offset, to_offset, detected_at) VALUES (?, ?, ?, ?, ?, ?)"));
      readGaps =
          new BoundStatementFactory(
              session.prepare(
                  "SELECT topic, partition, from_offset, to_offset, detected_at FROM "
                      + ks
                      + "."
                      + GAPS_TABLE
                      + " WHERE pipeline = ?"));
    }
  }

  /** Binds at the store's consistency level. */
  private record BoundStatementFactory(PreparedStatement prepared) {
    BoundStatement bind(Object... values) {
      return prepared.bind(values).setConsistencyLevel(CONSISTENCY);
    }
  }
}
