package dev.insight.streaming.job.write;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.not;
import static com.mongodb.client.model.Projections.include;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.insight.streaming.job.Environment;
import dev.insight.streaming.job.transform.SinkRow;
import dev.insight.streaming.jobconfig.MongoSinkConfig;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;

/**
 * Upserts rows into the pipeline's MongoDB collection with unordered bulk writes, {@code _id} = row
 * id.
 *
 * <p>Keyed rows (many records may write one row) carry their version in {@link
 * MongoSchema#VERSION_FIELD} and replace a document only when it is older (see {@link
 * #writeVersioned}).
 */
final class MongoRows implements Serializable {

  // one client per executor JVM and connection string: clients pool connections and are meant to be
  // shared
  private static final Map<String, MongoClient> CLIENTS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> CLIENTS.values().forEach(MongoClient::close), "mongo-clients-close"));
  }

  private static final int DUPLICATE_KEY = 11000;
  private static final int MAX_ROUNDS = 10;
  private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);
  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);

  private final MongoSinkConfig config;
  private final Environment environment;
  private final String database;
  private final String collection;
  private final int bulkSize;
  private final boolean keyed;
  // resolved once per JVM that writes, never serialized
  private transient String uri;
  // the collection as rows are written to it, built once per task (this object is per task)
  private transient MongoCollection<SinkRow> target;

  /**
   * @param config names the variable holding the connection string; each JVM that writes reads it
   *     from {@code environment} there, so the string (it may carry credentials) is in no task
   */
  MongoRows(
      MongoSinkConfig config,
      Environment environment,
      MongoSchema schema,
      int bulkSize,
      boolean keyed) {
    this.config = config;
    this.environment = environment;
    this.database = schema.database();
    this.collection = schema.collection();
    this.bulkSize = bulkSize;
    this.keyed = keyed;
  }

  private String uri() {
    if (uri == null) {
      uri = config.uri(environment);
    }
    return uri;
  }

  private MongoCollection<SinkRow> target() {
    if (target == null) {
      MongoCollection<Document> documents =
          CLIENTS
              .computeIfAbsent(uri(), MongoClients::create)
              .getDatabase(database)
              .getCollection(collection);
      CodecRegistry registry = documents.getCodecRegistry();
      target =
          documents
              .withDocumentClass(SinkRow.class)
              .withCodecRegistry(
                  CodecRegistries.fromRegistries(
                      CodecRegistries.fromCodecs(new SinkRowCodec(registry, keyed)), registry));
    }
    return target;
  }

  /** Writes the rows and returns when MongoDB has acknowledged every one of them. */
  void write(List<SinkRow> rows) {
    MongoCollection<SinkRow> target = target();
    for (int from = 0; from < rows.size(); from += bulkSize) {
      List<SinkRow> bulk = rows.subList(from, Math.min(rows.size(), from + bulkSize));
      if (keyed) {
        writeVersioned(target, bulk);
      } else {
        upsert(target, bulk);
      }
    }
  }

  // one row per record: its id is its coordinates, so a replay writes the same document again
  private static void upsert(MongoCollection<SinkRow> target, List<SinkRow> rows) {
    List<WriteModel<SinkRow>> bulk = new ArrayList<>(rows.size());
    for (SinkRow row : rows) {
      bulk.add(new ReplaceOneModel<>(eq(MongoSchema.ID_FIELD, row.id()), row, UPSERT));
    }
    target.bulkWrite(bulk, UNORDERED);
  }

  /**
   * Inserts first: a row whose id is new (most rows of most pipelines) takes one round trip. The
   * ids that exist get a replace that matches only an older or missing version, which makes the
   * check and the write one atomic step per document. A replace that matched nothing met a newer
   * version (done) or a document deleted since the insert, which is inserted again.
   *
   * <p>Inserting first also keeps the MongoDB-wire server fast: its planner uses the {@code _id}
   * index only for a query on {@code _id} alone, so a filter with the version scans the collection
   * (MongoDB itself uses the index for both). Here only rows whose id exists pay that.
   */
  private static void writeVersioned(MongoCollection<SinkRow> target, List<SinkRow> rows) {
    List<SinkRow> pending = rows;
    for (int round = 1; !pending.isEmpty(); round++) {
      if (round > MAX_ROUNDS) {
        throw new IllegalStateException(
            pending.size()
                + " rows were deleted from the collection each time they were about to be"
                + " replaced, "
                + MAX_ROUNDS
                + " times in a row; giving up on this batch (it is replayed)");
      }
      List<SinkRow> existing = insertNew(target, pending);
      if (existing.isEmpty()) {
        return;
      }
      List<WriteModel<SinkRow>> replaces = new ArrayList<>(existing.size());
      for (SinkRow row : existing) {
        Bson olderOrUnversioned =
            and(
                eq(MongoSchema.ID_FIELD, row.id()),
                not(gte(MongoSchema.VERSION_FIELD, row.version().text())));
        replaces.add(new ReplaceOneModel<>(olderOrUnversioned, row));
      }
      if (target.bulkWrite(replaces, UNORDERED).getMatchedCount() == existing.size()) {
        return;
      }
      pending = deletedSince(target, existing);
    }
  }

  // the rows whose id already exists, refused by the unique _id
  private static List<SinkRow> insertNew(MongoCollection<SinkRow> target, List<SinkRow> rows) {
    List<WriteModel<SinkRow>> inserts = new ArrayList<>(rows.size());
    for (SinkRow row : rows) {
      inserts.add(new InsertOneModel<>(row));
    }
    try {
      target.bulkWrite(inserts, UNORDERED);
      return List.of();
    } catch (MongoBulkWriteException e) {
      if (e.getWriteConcernError() != null) {
        throw e;
      }
      List<SinkRow> existing = new ArrayList<>(e.getWriteErrors().size());
      for (BulkWriteError error : e.getWriteErrors()) {
        if (error.getCode() != DUPLICATE_KEY) {
          throw e;
        }
        existing.add(rows.get(error.getIndex()));
      }
      return existing;
    }
  }

  // of rows a replace did not match, those whose document is gone (the others are newer there)
  private static List<SinkRow> deletedSince(MongoCollection<SinkRow> target, List<SinkRow> rows) {
    Set<Object> present = new HashSet<>();
    target
        .find(in(MongoSchema.ID_FIELD, rows.stream().map(SinkRow::id).toList()), Document.class)
        .projection(include(MongoSchema.ID_FIELD))
        .forEach(d -> present.add(d.get(MongoSchema.ID_FIELD)));
    return rows.stream().filter(r -> !present.contains(r.id())).toList();
  }
}
