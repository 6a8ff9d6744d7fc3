package dev.insight.streaming.operator.sinksetup;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.mongodb.ConnectionString;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.FieldSpec;
import dev.insight.streaming.operator.api.validation.SpecValidator;
import dev.insight.streaming.operator.reconciler.CleanupOutcome;
import dev.insight.streaming.operator.reconciler.PipelineStep;
import dev.insight.streaming.operator.reconciler.RetryBackoff;
import dev.insight.streaming.operator.reconciler.StepOutcome;
import dev.insight.streaming.operator.secrets.Redaction;
import dev.insight.streaming.operator.secrets.RefusedSettingException;
import dev.insight.streaming.operator.secrets.SecretNotFoundException;
import dev.insight.streaming.operator.status.EventRecorder;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.FieldType;
import dev.insight.streaming.sinkstores.SinkClaim;
import dev.insight.streaming.sinkstores.SinkClaims;
import dev.insight.streaming.sinkstores.cassandra.CassandraOffsetStore;
import dev.insight.streaming.sinkstores.cassandra.CassandraSchema;
import dev.insight.streaming.sinkstores.cassandra.CassandraSinkClaims;
import dev.insight.streaming.sinkstores.cassandra.ColumnTypeConflict;
import dev.insight.streaming.sinkstores.mongodb.MongoOffsetStore;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import dev.insight.streaming.sinkstores.mongodb.MongoSinkClaims;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sinks concern: connects to each configured sink with the credentials from its Secret, creates
 * the table or collection and the shared offset store through the {@code sinks} module (the same
 * code the job uses), adds the columns of fields added to the spec, and reports {@code SinksReady}.
 * It runs before the driver step in every reconcile, so a new driver never starts before its
 * columns exist; a column whose type differs from its field's makes it not ready, which holds the
 * driver step back (the running driver keeps the previous spec). Each table or collection is
 * claimed for the pipeline in {@code streaming_pipeline.claims} of its cluster before anything is
 * created in it; one another pipeline holds is refused ({@code SinkClaimed}). Sink data is never
 * deleted; cleanup releases the pipeline's claims.
 */
public final class SinkStep implements PipelineStep {

  private static final Logger LOG = LoggerFactory.getLogger(SinkStep.class);

  private final SinkConnections connections;
  private final EventRecorder events;
  private final Clock clock;

  public SinkStep(SinkConnections connections, EventRecorder events, Clock clock) {
    this.connections = connections;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public String condition() {
    return Conditions.SINKS_READY;
  }

  @Override
  public StepOutcome reconcile(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    List<Finding> findings = new ArrayList<>();
    if (pipeline.getSpec().getSinks().getCassandra() != null) {
      findings.add(cassandra(pipeline));
    }
    if (pipeline.getSpec().getSinks().getMongodb() != null) {
      findings.add(mongo(pipeline));
    }
    Optional<Finding> failed = findings.stream().filter(f -> f.failure != null).findFirst();
    String message = String.join("; ", findings.stream().map(f -> f.message).toList());
    if (failed.isPresent()) {
      LOG.warn(
          "{}/{}: {}",
          pipeline.getMetadata().getNamespace(),
          pipeline.getMetadata().getName(),
          message);
      return StepOutcome.notReady(
          failed.get().failure, message, RetryBackoff.next(pipeline, condition(), clock));
    }
    return StepOutcome.ready(Reason.READY, message);
  }

  private Finding cassandra(StreamingPipeline pipeline) {
    CassandraSchema schema = SinkSchemas.cassandra(pipeline);
    String where = "cassandra " + schema.keyspace() + "." + schema.table();
    CassandraCluster cluster;
    try {
      cluster = connections.cassandraOf(pipeline).orElseThrow();
    } catch (SecretNotFoundException e) {
      return Finding.failed(Reason.SECRET_NOT_FOUND, where + ": " + e.getMessage());
    }
    String at = where + " at " + String.join(",", cluster.contactPoints());
    Reason stage = Reason.SINK_UNREACHABLE;
    try {
      CqlSession session = connections.session(cluster);
      stage = Reason.SINK_SCHEMA_ERROR;
      new CassandraOffsetStore(session, CassandraOffsetStore.DEFAULT_KEYSPACE, schema.replication())
          .createIfMissing();
      CassandraSinkClaims claims =
          new CassandraSinkClaims(
              session, CassandraOffsetStore.DEFAULT_KEYSPACE, schema.replication());
      claims.createIfMissing();
      Optional<String> claimed =
          claimedByAnother(
              pipeline,
              claims,
              schema.keyspace() + "." + schema.table(),
              where,
              "spec.sinks.cassandra.table");
      if (claimed.isPresent()) {
        return Finding.failed(Reason.SINK_CLAIMED, claimed.get());
      }
      List<Column> added = schema.ensure(session);
      if (!added.isEmpty()) {
        LOG.info(
            "{}/{}: {}: added {}",
            pipeline.getMetadata().getNamespace(),
            pipeline.getMetadata().getName(),
            where,
            columns(added));
      }
      return Finding.ok(
          at
              + (added.isEmpty() ? "" : " (added " + columns(added) + ")")
              + " and offsets table "
              + CassandraOffsetStore.DEFAULT_KEYSPACE
              + "."
              + CassandraOffsetStore.OFFSETS_TABLE
              + " ready");
    } catch (ColumnTypeConflict e) {
      return Finding.failed(Reason.SINK_SCHEMA_INCOMPATIBLE, conflict(pipeline, schema, e));
    } catch (DriverException e) {
      boolean unreachable =
          stage == Reason.SINK_UNREACHABLE
              || e instanceof AllNodesFailedException
              || e instanceof DriverTimeoutException
              || e instanceof NoNodeAvailableException;
      String text = at + cassandraFailure(e, unreachable) + describe(e);
      return Finding.failed(
          unreachable ? Reason.SINK_UNREACHABLE : Reason.SINK_SCHEMA_ERROR,
          Redaction.scrub(text, Arrays.asList(cluster.username(), cluster.password())));
    }
  }

  private Finding mongo(StreamingPipeline pipeline) {
    MongoSchema schema = SinkSchemas.mongo(pipeline);
    String where = "mongodb " + schema.database() + "." + schema.collection();
    MongoCluster cluster;
    try {
      cluster = connections.mongoOf(pipeline).orElseThrow();
    } catch (SecretNotFoundException e) {
      return Finding.failed(Reason.SECRET_NOT_FOUND, where + ": " + e.getMessage());
    } catch (RefusedSettingException e) {
      return Finding.failed(Reason.SETTING_REFUSED, where + ": " + e.getMessage());
    }
    String at = where + " at " + cluster.hosts();
    try {
      new MongoOffsetStore(connections.client(cluster), MongoOffsetStore.DEFAULT_DATABASE)
          .createIfMissing();
      MongoSinkClaims claims =
          new MongoSinkClaims(connections.client(cluster), MongoOffsetStore.DEFAULT_DATABASE);
      claims.createIfMissing();
      Optional<String> claimed =
          claimedByAnother(
              pipeline,
              claims,
              schema.database() + "." + schema.collection(),
              where,
              "spec.sinks.mongodb.collection");
      if (claimed.isPresent()) {
        return Finding.failed(Reason.SINK_CLAIMED, claimed.get());
      }
      schema.createIfMissing(connections.client(cluster));
      return Finding.ok(
          at
              + " and offsets collection "
              + MongoOffsetStore.DEFAULT_DATABASE
              + "."
              + MongoOffsetStore.OFFSETS_COLLECTION
              + " ready");
    } catch (MongoException | IllegalArgumentException e) {
      boolean unreachable =
          e instanceof MongoTimeoutException
              || e instanceof MongoSocketException
              || e instanceof MongoSecurityException
              || e instanceof IllegalArgumentException;
      String text = at + mongoFailure(e, unreachable) + describe(e);
      return Finding.failed(
          unreachable ? Reason.SINK_UNREACHABLE : Reason.SINK_SCHEMA_ERROR,
          Redaction.scrub(text, secretsOf(cluster)));
    }
  }

  /**
   * Claims {@code sink} for the pipeline; when another pipeline holds it, says who and what to do.
   */
  private static Optional<String> claimedByAnother(
      StreamingPipeline pipeline, SinkClaims claims, String sink, String where, String field) {
    SinkClaim wanted =
        new SinkClaim(
            sink,
            pipeline.getMetadata().getNamespace(),
            pipeline.getMetadata().getName(),
            pipeline.getMetadata().getUid());
    SinkClaim held = claims.claim(wanted);
    if (held.equals(wanted)) {
      return Optional.empty();
    }
    return Optional.of(
        where
            + " is claimed by pipeline "
            + held.holder()
            + ", which writes into it: this pipeline neither changes its schema nor writes into it"
            + " (the driver is not started). Point "
            + field
            + " at another name, or delete that pipeline, which releases its claim");
  }

  /**
   * Releases the claims the pipeline holds on its sinks' tables and collections, so another
   * pipeline may write into them. A sink out of reach keeps the claim (logged and recorded as an
   * event): only a pipeline of the same namespace and name takes it over then, or an administrator
   * deletes the row from {@code streaming_pipeline.claims}.
   */
  @Override
  public CleanupOutcome cleanup(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    String who = pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName();
    String uid = pipeline.getMetadata().getUid();
    // claims are made only by this step for a valid spec: without its condition there are none,
    // and the servers an invalid spec names are never contacted, not even on deletion
    boolean claimed =
        pipeline.getStatus() != null
            && pipeline.getStatus().condition(Conditions.SINKS_READY).isPresent();
    if (!claimed || !SpecValidator.validate(pipeline).isEmpty()) {
      LOG.info("{} deleted: no sink claims to release", who);
      return CleanupOutcome.done();
    }
    if (pipeline.getSpec().getSinks().getCassandra() != null) {
      CassandraSchema schema = SinkSchemas.cassandra(pipeline);
      List<String> secrets = new ArrayList<>();
      try {
        CassandraCluster cluster = connections.cassandraOf(pipeline).orElseThrow();
        secrets.addAll(Arrays.asList(cluster.username(), cluster.password()));
        CassandraSinkClaims claims =
            new CassandraSinkClaims(
                connections.session(cluster),
                CassandraOffsetStore.DEFAULT_KEYSPACE,
                schema.replication());
        claims.createIfMissing();
        LOG.info("{} deleted: released its claims on cassandra {}", who, claims.releaseAll(uid));
      } catch (RuntimeException e) {
        claimKept(pipeline, "cassandra " + schema.keyspace() + "." + schema.table(), e, secrets);
      }
    }
    if (pipeline.getSpec().getSinks().getMongodb() != null) {
      MongoSchema schema = SinkSchemas.mongo(pipeline);
      List<String> secrets = new ArrayList<>();
      try {
        MongoCluster cluster = connections.mongoOf(pipeline).orElseThrow();
        secrets.addAll(secretsOf(cluster));
        MongoSinkClaims claims =
            new MongoSinkClaims(connections.client(cluster), MongoOffsetStore.DEFAULT_DATABASE);
        LOG.info("{} deleted: released its claims on mongodb {}", who, claims.releaseAll(uid));
      } catch (RuntimeException e) {
        claimKept(pipeline, "mongodb " + schema.database() + "." + schema.collection(), e, secrets);
      }
    }
    return CleanupOutcome.done();
  }

  private void claimKept(
      StreamingPipeline pipeline, String where, RuntimeException e, List<String> secrets) {
    String message =
        Redaction.scrub(
            "could not release the claim on "
                + where
                + " ("
                + describe(e)
                + "); it stays in streaming_pipeline.claims until a pipeline of the same"
                + " namespace and name takes it over or it is deleted by hand",
            secrets.stream().filter(Objects::nonNull).toList());
    LOG.warn(
        "{}/{}: {}",
        pipeline.getMetadata().getNamespace(),
        pipeline.getMetadata().getName(),
        message);
    events.record(pipeline, EventRecorder.Type.Warning, Reason.SINK_UNREACHABLE, message);
  }

  /**
   * How a Cassandra failure reads after the sink's address: credentials refused, unreachable, or a
   * schema error.
   */
  static String cassandraFailure(RuntimeException e, boolean unreachable) {
    boolean refused =
        e instanceof AuthenticationException
            || (e instanceof AllNodesFailedException all
                && all.getAllErrors().values().stream()
                    .flatMap(List::stream)
                    .anyMatch(AuthenticationException.class::isInstance));
    if (refused) {
      return " refused the credentials; check the Secret named by spec.sinks.cassandra.credentialsSecret: ";
    }
    return unreachable ? " is unreachable: " : ": could not create the schema: ";
  }

  /**
   * What a type conflict means in the spec's terms: each field with the table's type and the
   * spec's, then what to do.
   */
  static String conflict(StreamingPipeline pipeline, CassandraSchema schema, ColumnTypeConflict e) {
    String table = schema.keyspace() + "." + schema.table();
    Map<String, FieldSpec> fields = new HashMap<>();
    SinkSchemas.fields(pipeline).forEach(f -> fields.put(f.getName(), f));
    List<String> problems = new ArrayList<>();
    for (ColumnTypeConflict.Mismatch m : e.mismatches()) {
      FieldSpec field = fields.get(m.column());
      if (m.column().equals(CassandraSchema.ID_COLUMN)) {
        problems.add(
            "column id of "
                + table
                + " is "
                + m.tableType()
                + " but the pipeline keys rows by a text id (text partition key)");
      } else if (field != null) {
        FieldType type = SinkSchemas.fieldType(field);
        problems.add(
            "spec.transform.fields '"
                + field.getName()
                + "' is "
                + type.name().toLowerCase(Locale.ROOT)
                + " (Cassandra "
                + type.cqlType()
                + ") but column "
                + m.column()
                + " of "
                + table
                + " is "
                + m.tableType());
      } else if (schema.wholeRecord()) {
        problems.add(
            "without spec.transform.fields each record is stored as JSON text in column "
                + m.column()
                + ", but column "
                + m.column()
                + " of "
                + table
                + " is "
                + m.tableType());
      } else {
        problems.add(
            "column "
                + m.column()
                + " of "
                + table
                + " is "
                + m.tableType()
                + ", not "
                + m.wantedType());
      }
    }
    return String.join("; ", problems)
        + ". Cassandra cannot change a column's type: give the field its previous type back,"
        + " store it under a new field name (a new column), or point spec.sinks.cassandra.table at"
        + " a new table. Until then the driver is not started or redeployed with this spec"
        + " (a running driver keeps the previous one)";
  }

  private static String columns(List<Column> columns) {
    return (columns.size() == 1 ? "column " : "columns ")
        + columns.stream()
            .map(c -> c.name() + " " + c.type().cqlType())
            .collect(Collectors.joining(", "));
  }

  /** How a MongoDB failure reads after the sink's address. */
  static String mongoFailure(RuntimeException e, boolean unreachable) {
    if (e instanceof MongoSecurityException) {
      return " refused the credentials; check the connection string in the Secret named by"
          + " spec.sinks.mongodb.uriSecret: ";
    }
    if (e instanceof IllegalArgumentException) {
      return " cannot be reached with the connection string in the Secret named by spec.sinks.mongodb.uriSecret: ";
    }
    return unreachable ? " is unreachable: " : ": could not create the collections: ";
  }

  /**
   * The parts of a connection string that may be secret: the whole string, its user and its
   * password.
   */
  private static List<String> secretsOf(MongoCluster cluster) {
    List<String> values = new ArrayList<>();
    values.add(cluster.uri());
    try {
      ConnectionString parsed = new ConnectionString(cluster.uri());
      values.add(parsed.getUsername());
      values.add(parsed.getPassword() == null ? null : new String(parsed.getPassword()));
    } catch (IllegalArgumentException e) {
      // an unparseable string has no parts to find; the whole string is masked already
    }
    return values.stream().filter(Objects::nonNull).toList();
  }

  private static String describe(Throwable error) {
    return error.getClass().getSimpleName() + ": " + error.getMessage();
  }

  /** What one sink looked like: a reason when it failed, and a sentence either way. */
  private record Finding(Reason failure, String message) {
    static Finding ok(String message) {
      return new Finding(null, message);
    }

    static Finding failed(Reason reason, String message) {
      return new Finding(reason, message);
    }
  }
}
