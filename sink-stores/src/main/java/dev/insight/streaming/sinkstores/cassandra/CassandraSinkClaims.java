package dev.insight.streaming.sinkstores.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.insight.streaming.sinkstores.SinkClaim;
import dev.insight.streaming.sinkstores.SinkClaims;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Claims in Cassandra: table {@code <keyspace>.claims}, partition key {@code sink} ({@code
 * keyspace.table}); taken and handed over with lightweight transactions, so two pipelines racing
 * for one table cannot both win.
 */
public final class CassandraSinkClaims implements SinkClaims {

  private static final ConsistencyLevel CONSISTENCY = ConsistencyLevel.LOCAL_QUORUM;
  private static final ConsistencyLevel SERIAL = ConsistencyLevel.LOCAL_SERIAL;
  private static final int ATTEMPTS = 5;

  private final CqlSession session;
  private final String keyspace;
  private final Replication replication;

  /**
   * @param session a session the caller owns and closes
   * @param keyspace the offset stores' keyspace
   * @param replication used only when the keyspace has to be created
   */
  public CassandraSinkClaims(CqlSession session, String keyspace, Replication replication) {
    this.session = Objects.requireNonNull(session, "session");
    this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
    this.replication = Objects.requireNonNull(replication, "replication");
  }

  @Override
  public void createIfMissing() {
    CassandraSchema.execute(session, CassandraSchema.createKeyspaceCql(keyspace, replication));
    CassandraSchema.execute(
        session,
        "CREATE TABLE IF NOT EXISTS "
            + table()
            + " (sink text PRIMARY KEY, namespace text, name text, uid text, claimed_at timestamp)");
  }

  @Override
  public SinkClaim claim(SinkClaim wanted) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      ResultSet inserted =
          run(
              "INSERT INTO "
                  + table()
                  + " (sink, namespace, name, uid, claimed_at) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS",
              wanted.sink(),
              wanted.namespace(),
              wanted.name(),
              wanted.uid(),
              Instant.now());
      if (inserted.wasApplied()) {
        return wanted;
      }
      SinkClaim held = claimOf(inserted.one(), wanted.sink());
      if (held == null) {
        continue; // released meanwhile
      }
      if (held.uid().equals(wanted.uid()) || !held.samePipeline(wanted)) {
        return held;
      }
      // the same pipeline made again: take its predecessor's claim over
      ResultSet taken =
          run(
              "UPDATE " + table() + " SET uid = ?, claimed_at = ? WHERE sink = ? IF uid = ?",
              wanted.uid(),
              Instant.now(),
              wanted.sink(),
              held.uid());
      if (taken.wasApplied()) {
        return wanted;
      }
    }
    throw new IllegalStateException(
        "could not claim " + wanted.sink() + " in " + ATTEMPTS + " attempts: it keeps changing");
  }

  @Override
  public List<String> releaseAll(String uid) {
    List<String> released = new ArrayList<>();
    // claims are few (one per pipeline and table) and released once per pipeline: a scan is fine
    for (Row row :
        session.execute(
            SimpleStatement.newInstance(
                    "SELECT sink FROM " + table() + " WHERE uid = ? ALLOW FILTERING", uid)
                .setConsistencyLevel(CONSISTENCY))) {
      String sink = row.getString("sink");
      if (run("DELETE FROM " + table() + " WHERE sink = ? IF uid = ?", sink, uid).wasApplied()) {
        released.add(sink);
      }
    }
    return released;
  }

  private ResultSet run(String cql, Object... values) {
    return session.execute(
        SimpleStatement.newInstance(cql, values)
            .setConsistencyLevel(CONSISTENCY)
            .setSerialConsistencyLevel(SERIAL));
  }

  private static SinkClaim claimOf(Row row, String sink) {
    if (row == null || row.isNull("uid")) {
      return null;
    }
    return new SinkClaim(
        sink, row.getString("namespace"), row.getString("name"), row.getString("uid"));
  }

  private String table() {
    return CassandraSchema.quote(keyspace) + "." + CLAIMS;
  }
}
