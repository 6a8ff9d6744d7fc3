package dev.insight.streaming.sinkstores.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import dev.insight.streaming.sinkstores.FencedException;
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
 *
 * <p>The pipeline's claim is the static column {@code epoch}: one value per pipeline, in the same
 * Cassandra partition as its offsets. A claim is a lightweight transaction that raises it, and an
 * offset write is a conditional batch on that partition ({@code IF epoch = <mine>}), so the check
 * and the write are one atomic step.
 */
public final class CassandraOffsetStore implements OffsetStore {

  /** Where offsets live unless JobConfig says otherwise. */
  public static final String DEFAULT_KEYSPACE = "streaming_pipeline";

  public static final String OFFSETS_TABLE = "offsets";
  public static final String GAPS_TABLE = "retention_gaps";

  // offsets decide where a restarted job resumes: read and write them at quorum like the connector
  // writes rows
  private static final ConsistencyLevel CONSISTENCY = ConsistencyLevel.LOCAL_QUORUM;
  private static final ConsistencyLevel SERIAL = ConsistencyLevel.LOCAL_SERIAL;
  private static final String EPOCH_COLUMN = "epoch";
  // a lost race re-reads and tries again; more losses than this in a row means a claim storm
  private static final int CLAIM_ATTEMPTS = 20;

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
            + " epoch bigint static, PRIMARY KEY ((pipeline), topic, partition))");
    addEpochColumnIfMissing(ks);
    CassandraSchema.execute(
        session,
        "CREATE TABLE IF NOT EXISTS "
            + ks
            + "."
            + GAPS_TABLE
            + " (pipeline text, topic text, partition int, from_offset bigint, to_offset bigint, detected_at timestamp,"
            + " PRIMARY KEY ((pipeline), topic, partition, from_offset))");
  }

  // tables made before fencing existed lack the column
  private void addEpochColumnIfMissing(String ks) {
    boolean present =
        session
            .getMetadata()
            .getKeyspace(CqlIdentifier.fromInternal(keyspace))
            .flatMap(k -> k.getTable(OFFSETS_TABLE))
            .flatMap(t -> t.getColumn(EPOCH_COLUMN))
            .isPresent();
    if (present) {
      return;
    }
    try {
      CassandraSchema.execute(
          session,
          "ALTER TABLE " + ks + "." + OFFSETS_TABLE + " ADD " + EPOCH_COLUMN + " bigint static");
    } catch (InvalidQueryException e) {
      // a concurrent creator added it first (the job and the operator both get here)
      if (!e.getMessage().contains("already exist") && !e.getMessage().contains("conflicts")) {
        throw e;
      }
    }
  }

  @Override
  public long claim(PipelineKey pipeline) {
    Statements s = statements();
    Long seen = null;
    Row current = session.execute(s.readEpoch.bind(pipeline.key())).one();
    if (current != null && !current.isNull(EPOCH_COLUMN)) {
      seen = current.getLong(EPOCH_COLUMN);
    }
    for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      long next = seen == null ? 1 : seen + 1;
      ResultSet result =
          session.execute(
              s.claim.bind(next, pipeline.key(), seen).setSerialConsistencyLevel(SERIAL));
      if (result.wasApplied()) {
        return next;
      }
      Row row = result.one();
      seen = row == null || row.isNull(EPOCH_COLUMN) ? null : row.getLong(EPOCH_COLUMN);
    }
    throw new IllegalStateException(
        "pipeline "
            + pipeline
            + ": could not claim the offset store in "
            + CLAIM_ATTEMPTS
            + " attempts; other drivers of this pipeline keep claiming it");
  }

  @Override
  public void write(PipelineKey pipeline, long epoch, Collection<PartitionOffset> endOffsets) {
    if (endOffsets.isEmpty()) {
      return;
    }
    Statements s = statements();
    Instant now = Instant.now();
    // one pipeline = one Cassandra partition: a conditional batch there is one atomic step, and
    // the condition on the first statement guards them all
    BatchStatementBuilder batch =
        BatchStatement.builder(DefaultBatchType.UNLOGGED)
            .setConsistencyLevel(CONSISTENCY)
            .setSerialConsistencyLevel(SERIAL);
    boolean first = true;
    for (PartitionOffset o : endOffsets) {
      batch.addStatement(
          first
              ? s.writeOffsetIfEpoch.bind(
                  o.offset(), now, pipeline.key(), o.topic(), o.partition(), epoch)
              : s.writeOffset.bind(o.offset(), now, pipeline.key(), o.topic(), o.partition()));
      first = false;
    }
    ResultSet result = session.execute(batch.build());
    if (!result.wasApplied()) {
      Row row = result.one();
      long newer = row == null || row.isNull(EPOCH_COLUMN) ? -1 : row.getLong(EPOCH_COLUMN);
      throw new FencedException(pipeline, epoch, newer);
    }
  }

  @Override
  public List<PartitionOffset> read(PipelineKey pipeline) {
    List<PartitionOffset> offsets = new ArrayList<>();
    for (Row row : session.execute(statements().readOffsets.bind(pipeline.key()))) {
      if (!claimOnly(row)) {
        offsets.add(offset(row));
      }
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
      if (!claimOnly(row)) {
        byPipeline.get(PipelineKey.parse(row.getString("pipeline"))).add(offset(row));
      }
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

  // a pipeline claimed but with no offsets yet: Cassandra returns its static row alone
  private static boolean claimOnly(Row row) {
    return row.isNull("topic");
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
    final PreparedStatement writeOffsetIfEpoch;
    final BoundStatementFactory readEpoch;
    final BoundStatementFactory claim;
    final BoundStatementFactory readOffsets;
    final BoundStatementFactory readManyOffsets;
    final BoundStatementFactory writeGap;
    final BoundStatementFactory readGaps;

    Statements(CqlSession session, String ks) {
      String update =
          "UPDATE "
              + ks
              + "."
              + OFFSETS_TABLE
              + " SET offset = ?, updated_at = ? WHERE pipeline = ? AND topic = ? AND partition = ?";
      writeOffset = session.prepare(update);
      writeOffsetIfEpoch = session.prepare(update + " IF " + EPOCH_COLUMN + " = ?");
      readEpoch =
          new BoundStatementFactory(
              session.prepare(
                  "SELECT "
                      + EPOCH_COLUMN
                      + " FROM "
                      + ks
                      + "."
                      + OFFSETS_TABLE
                      + " WHERE pipeline = ? LIMIT 1"));
      claim =
          new BoundStatementFactory(
              session.prepare(
                  "UPDATE "
                      + ks
                      + "."
                      + OFFSETS_TABLE
                      + " SET "
                      + EPOCH_COLUMN
                      + " = ? WHERE pipeline = ? IF "
                      + EPOCH_COLUMN
                      + " = ?"));
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
