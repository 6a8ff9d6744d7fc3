package dev.insight.streaming.sinkstores.mongodb;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import java.util.Objects;

/**
 * A pipeline's MongoDB collection: documents keyed by {@code _id} = row id, one field per row
 * field.
 */
public record MongoSchema(String database, String collection) {

  /** The document field holding the row id. */
  public static final String ID_FIELD = "_id";

  /**
   * The field holding a keyed document's version ({@code <timestamp>/<partition>/<offset>},
   * zero-padded, so text order is version order).
   */
  public static final String VERSION_FIELD = "_version";

  // "NamespaceExists": a concurrent or earlier creator won, which is what we wanted
  private static final int NAMESPACE_EXISTS = 48;

  public MongoSchema {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(collection, "collection");
  }

  /**
   * Creates the collection when missing; {@code _id} is unique by construction, so no further index
   * is needed.
   */
  public void createIfMissing(MongoClient client) {
    createCollectionIfMissing(client.getDatabase(database), collection);
  }

  static void createCollectionIfMissing(MongoDatabase db, String collection) {
    for (String existing : db.listCollectionNames()) {
      if (existing.equals(collection)) {
        return;
      }
    }
    try {
      db.createCollection(collection);
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != NAMESPACE_EXISTS) {
        throw e;
      }
    }
  }
}
