package dev.insight.streaming.job.write;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.not;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.insight.streaming.job.Environment;
import dev.insight.streaming.job.transform.SinkRow;
import dev.insight.streaming.jobconfig.MongoSinkConfig;
import dev.insight.streaming.sinkstores.mongodb.MongoSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Upserts rows into the pipeline's MongoDB collection with unordered bulk writes, {@code _id} = row
 * id.
 *
 * <p>Keyed rows (many records may write one row) carry their version in {@link
 * MongoSchema#VERSION_FIELD} and replace a document only when it is older: the filter matches the
 * id with an older or missing version, so for a newer document the upsert tries an insert, which
 * the unique {@code _id} refuses. That refusal means "already newer" and counts as done.
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

  private final MongoSinkConfig config;
  private final Environment environment;
  private final String database;
  private final String collection;
  private final int bulkSize;
  private final boolean keyed;
  // resolved once per JVM that writes, never serialized
  private transient String uri;

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

  /** Writes the rows and returns when MongoDB has acknowledged every one of them. */
  void write(List<SinkRow> rows) {
    MongoCollection<Document> target =
        CLIENTS
            .computeIfAbsent(uri(), MongoClients::create)
            .getDatabase(database)
            .getCollection(collection);
    ReplaceOptions upsert = new ReplaceOptions().upsert(true);
    List<WriteModel<Document>> bulk = new ArrayList<>(Math.min(bulkSize, rows.size()));
    for (SinkRow row : rows) {
      Document doc = new Document(MongoSchema.ID_FIELD, row.id());
      doc.putAll(row.fields());
      Bson filter = eq(MongoSchema.ID_FIELD, row.id());
      if (keyed) {
        String version = row.version().text();
        doc.put(MongoSchema.VERSION_FIELD, version);
        filter = and(filter, not(gte(MongoSchema.VERSION_FIELD, version)));
      }
      bulk.add(new ReplaceOneModel<>(filter, doc, upsert));
      if (bulk.size() == bulkSize) {
        write(target, bulk);
        bulk = new ArrayList<>(bulkSize);
      }
    }
    if (!bulk.isEmpty()) {
      write(target, bulk);
    }
  }

  private static void write(MongoCollection<Document> target, List<WriteModel<Document>> bulk) {
    try {
      target.bulkWrite(bulk, new BulkWriteOptions().ordered(false));
    } catch (MongoBulkWriteException e) {
      // unordered: every other write was applied; a duplicate id is a newer version already stored
      for (BulkWriteError error : e.getWriteErrors()) {
        if (error.getCode() != DUPLICATE_KEY) {
          throw e;
        }
      }
      if (e.getWriteConcernError() != null) {
        throw e;
      }
    }
  }
}
