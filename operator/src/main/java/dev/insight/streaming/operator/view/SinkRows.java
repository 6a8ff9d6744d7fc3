package dev.insight.streaming.operator.view;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.protocol.internal.util.Bytes;
import com.mongodb.client.MongoCollection;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.CassandraSinkSpec;
import dev.insight.streaming.operator.api.spec.MongoSinkSpec;
import dev.insight.streaming.operator.sinksetup.SinkConnections;
import dev.insight.streaming.sinkstores.cassandra.CassandraOffsetStore;
import dev.insight.streaming.sinkstores.mongodb.MongoOffsetStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * One page of the rows a pipeline's sink holds, read with the operator's own sink connections: the
 * table or collection the spec names and nothing else (never the offset store), values as text.
 */
public final class SinkRows {

  /** Rows per page. */
  public static final int PAGE = 20;

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * A page: column names in first-seen order, the rows, the sink's row count (null when it could
   * not be counted) and the opaque token of the next page (null on the last).
   */
  public record Page(
      String sink,
      String source,
      Long count,
      List<String> columns,
      List<Map<String, String>> rows,
      String next) {}

  private final SinkConnections connections;

  public SinkRows(SinkConnections connections) {
    this.connections = connections;
  }

  /**
   * A page of {@code sink} ({@code cassandra} or {@code mongodb}) rows from {@code next} (null for
   * the first).
   *
   * @throws IllegalArgumentException when the pipeline has no such sink or {@code next} is not a
   *     token this class gave
   */
  public Page page(StreamingPipeline pipeline, String sink, String next) {
    return switch (sink) {
      case "cassandra" -> cassandra(pipeline, next);
      case "mongodb" -> mongo(pipeline, next);
      default -> throw new IllegalArgumentException("sink must be cassandra or mongodb: " + sink);
    };
  }

  private Page cassandra(StreamingPipeline pipeline, String next) {
    CassandraSinkSpec spec = pipeline.getSpec().getSinks().getCassandra();
    // one read of the credentials Secret per page
    java.util.Optional<dev.insight.streaming.operator.sinksetup.CassandraCluster> cluster =
        spec == null ? java.util.Optional.empty() : connections.cassandraOf(pipeline);
    if (cluster.isEmpty() || CassandraOffsetStore.DEFAULT_KEYSPACE.equals(spec.getKeyspace())) {
      throw new IllegalArgumentException("this pipeline has no Cassandra sink");
    }
    CqlSession session = connections.session(cluster.get());
    String table =
        CqlIdentifier.fromInternal(spec.getKeyspace()).asCql(true)
            + "."
            + CqlIdentifier.fromInternal(spec.getTable()).asCql(true);
    SimpleStatement select =
        SimpleStatement.newInstance("SELECT * FROM " + table).setPageSize(PAGE).setTimeout(TIMEOUT);
    if (next != null) {
      select = select.setPagingState(ByteBuffer.wrap(decode(next)));
    }
    ResultSet result = session.execute(select);
    List<String> columns = new ArrayList<>();
    for (ColumnDefinition column : result.getColumnDefinitions()) {
      columns.add(column.getName().asInternal());
    }
    List<Map<String, String>> rows = new ArrayList<>();
    int available = result.getAvailableWithoutFetching();
    for (int i = 0; i < available; i++) {
      Row row = result.one();
      Map<String, String> values = new LinkedHashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        Object value = row.getObject(c);
        values.put(
            columns.get(c),
            value instanceof ByteBuffer bytes ? Bytes.toHexString(bytes) : text(value));
      }
      rows.add(values);
    }
    ByteBuffer paging = result.getExecutionInfo().getPagingState();
    Long count = null;
    try {
      Row counted =
          session
              .execute(
                  SimpleStatement.newInstance("SELECT COUNT(*) FROM " + table).setTimeout(TIMEOUT))
              .one();
      count = counted == null ? null : counted.getLong(0);
    } catch (RuntimeException e) {
      // a table too big to count in time still shows its rows
    }
    return new Page(
        "cassandra",
        spec.getKeyspace() + "." + spec.getTable(),
        count,
        columns,
        rows,
        paging == null ? null : encode(Bytes.getArray(paging)));
  }

  private Page mongo(StreamingPipeline pipeline, String next) {
    MongoSinkSpec spec = pipeline.getSpec().getSinks().getMongodb();
    if (spec == null || MongoOffsetStore.DEFAULT_DATABASE.equals(spec.getDatabase())) {
      throw new IllegalArgumentException("this pipeline has no MongoDB sink");
    }
    MongoCollection<Document> collection =
        connections
            .client(connections.mongoOf(pipeline).orElseThrow())
            .getDatabase(spec.getDatabase())
            .getCollection(spec.getCollection());
    int skip = next == null ? 0 : skip(next);
    // newest first where the server keeps insertion order ($natural), a page at a time
    List<Document> documents =
        collection
            .find()
            .sort(new Document("$natural", -1))
            .skip(skip)
            .limit(PAGE + 1)
            .maxTime(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
            .into(new ArrayList<>());
    boolean more = documents.size() > PAGE;
    Set<String> columns = new LinkedHashSet<>();
    List<Map<String, String>> rows = new ArrayList<>();
    for (Document document : documents.subList(0, Math.min(PAGE, documents.size()))) {
      Map<String, String> values = new LinkedHashMap<>();
      document.forEach(
          (key, value) -> {
            columns.add(key);
            values.put(key, value instanceof Document nested ? nested.toJson() : text(value));
          });
      rows.add(values);
    }
    return new Page(
        "mongodb",
        spec.getDatabase() + "." + spec.getCollection(),
        collection.estimatedDocumentCount(),
        List.copyOf(columns),
        rows,
        more
            ? encode(
                String.valueOf(skip + PAGE).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            : null);
  }

  private static String text(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  private static int skip(String next) {
    try {
      int skip =
          Integer.parseInt(new String(decode(next), java.nio.charset.StandardCharsets.US_ASCII));
      if (skip < 0) {
        throw new NumberFormatException();
      }
      return skip;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("next is not a page token of this sink");
    }
  }

  private static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] decode(String token) {
    try {
      return Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("next is not a page token of this sink");
    }
  }
}
