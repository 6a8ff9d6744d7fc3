package dev.insight.streaming.job.write;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.spark.connector.writer.WriteConf;
import dev.insight.streaming.job.Environment;
import dev.insight.streaming.job.transform.FieldValues;
import dev.insight.streaming.job.transform.RowVersion;
import dev.insight.streaming.job.transform.SinkRow;
import dev.insight.streaming.jobconfig.CassandraSinkConfig;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.FieldType;
import dev.insight.streaming.sinkstores.cassandra.CassandraSchema;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;

/**
 * Upserts rows into the pipeline's Cassandra table: one prepared {@code INSERT ... USING TIMESTAMP}
 * per row, bound straight from the row's values, with {@code
 * spark.cassandra.output.concurrent.writes} requests in flight. Each row is written at its record's
 * write time ({@link RowVersion#cassandraWriteTime()}), so Cassandra keeps the newest version
 * whatever order the writes arrive in, and a repeated write is harmless: writes are idempotent,
 * retried on transient errors. Without configured fields, each row's fields go into the record
 * column as JSON.
 *
 * <p>Neither the connector's table writer nor its session is used: every row is its own partition
 * here, so the writer's grouping into batches never groups anything, and its per-value type
 * conversion and its session's per-request node sorting cost more CPU than the write itself (see
 * the sink benchmark in the README). Sessions are per JVM ({@link CassandraSessions}).
 */
final class CassandraRows implements Serializable {

  private static final int MAX_ATTEMPTS = 10;

  private final CassandraSinkConfig sink;
  private final Environment environment;
  private final String insert;
  private final List<String> fieldNames;
  private final boolean wholeRecord;
  private final int inFlight;
  private final ConsistencyLevel consistency;
  // by bind position: the type each field was projected to (codecs are not serializable)
  private final FieldType[] types;

  CassandraRows(
      SparkConf conf, CassandraSinkConfig sink, Environment environment, CassandraSchema schema) {
    this.sink = sink;
    this.environment = environment;
    this.fieldNames = schema.columns().stream().map(Column::name).toList();
    this.types = new FieldType[fieldNames.size() + 2];
    for (int i = 0; i < fieldNames.size(); i++) {
      types[i + 1] = schema.columns().get(i).type();
    }
    this.wholeRecord = schema.wholeRecord();
    WriteConf writeConf = WriteConf.fromSparkConf(conf);
    this.inFlight = writeConf.parallelismLevel();
    this.consistency = writeConf.consistencyLevel();
    this.insert =
        "INSERT INTO "
            + CassandraSchema.quote(schema.keyspace())
            + "."
            + CassandraSchema.quote(schema.table())
            + " ("
            + CassandraSchema.quote(CassandraSchema.ID_COLUMN)
            + fieldNames.stream()
                .map(n -> ", " + CassandraSchema.quote(n))
                .collect(Collectors.joining())
            + ") VALUES (?"
            + ", ?".repeat(fieldNames.size())
            + ") USING TIMESTAMP ?";
  }

  private static TypeCodec<?> codec(FieldType type) {
    return switch (type) {
      case STRING -> TypeCodecs.TEXT;
      case LONG -> TypeCodecs.BIGINT;
      case DOUBLE -> TypeCodecs.DOUBLE;
      case BOOLEAN -> TypeCodecs.BOOLEAN;
      case TIMESTAMP -> TypeCodecs.TIMESTAMP;
    };
  }

  /** Writes the rows and returns when Cassandra has acknowledged every one of them. */
  void write(List<SinkRow> rows) {
    CqlSession session = CassandraSessions.of(sink, environment);
    // prepared once per session (the driver caches it); bound statements inherit its settings
    PreparedStatement prepared =
        session.prepare(
            SimpleStatement.newInstance(insert)
                .setConsistencyLevel(consistency)
                .setIdempotent(true));
    Semaphore permits = new Semaphore(inFlight);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (SinkRow row : rows) {
      permits.acquireUninterruptibly();
      if (failure.get() != null) {
        permits.release();
        break;
      }
      send(session, bind(prepared, row), 1, permits, failure);
    }
    permits.acquireUninterruptibly(inFlight); // every write answered
    if (failure.get() != null) {
      throw new IllegalStateException(
          "writing to Cassandra failed: " + failure.get(), failure.get());
    }
  }

  private BoundStatement bind(PreparedStatement prepared, SinkRow row) {
    BoundStatementBuilder statement = prepared.boundStatementBuilder();
    statement.set(0, row.id(), TypeCodecs.TEXT);
    Map<String, Object> fields = row.fields();
    if (wholeRecord) {
      statement.set(1, RecordJson.of(fields), TypeCodecs.TEXT);
    } else if (fields instanceof FieldValues v && v.count() == fieldNames.size()) {
      // projected in the configured order, which is the column order
      for (int i = 0; i < fieldNames.size(); i++) {
        set(statement, i + 1, v.value(i));
      }
    } else {
      for (int i = 0; i < fieldNames.size(); i++) {
        set(statement, i + 1, fields.get(fieldNames.get(i)));
      }
    }
    statement.set(fieldNames.size() + 1, row.version().cassandraWriteTime(), TypeCodecs.BIGINT);
    return statement.build();
  }

  /**
   * Binds a field's value with its column's codec, found once per session: the projected types are
   * the columns' own. A plug-in's value of another Java type goes through the codec registry.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void set(BoundStatementBuilder statement, int index, Object value) {
    if (value == null) {
      statement.setToNull(index);
      return;
    }
    TypeCodec codec = types[index] == null ? null : codec(types[index]);
    if (codec != null && codec.accepts(value)) {
      statement.set(index, value, codec);
    } else {
      statement.set(index, value, (Class) value.getClass());
    }
  }

  private static void send(
      CqlSession session,
      BoundStatement statement,
      int attempt,
      Semaphore permits,
      AtomicReference<Throwable> failure) {
    session
        .executeAsync(statement)
        .whenComplete(
            (result, error) -> {
              if (error == null) {
                permits.release();
                return;
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (attempt < MAX_ATTEMPTS && !(cause instanceof QueryValidationException)) {
                // a timeout, an overloaded or restarting node: the same write again a little later
                CompletableFuture.delayedExecutor(100L * attempt, TimeUnit.MILLISECONDS)
                    .execute(() -> send(session, statement, attempt + 1, permits, failure));
              } else {
                failure.compareAndSet(null, cause);
                permits.release();
              }
            });
  }
}
