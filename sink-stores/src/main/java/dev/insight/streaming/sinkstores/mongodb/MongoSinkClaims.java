package dev.insight.streaming.sinkstores.mongodb;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Updates;
import dev.insight.streaming.sinkstores.SinkClaim;
import dev.insight.streaming.sinkstores.SinkClaims;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bson.Document;

/**
 * Claims in MongoDB: collection {@code <database>.claims}, one document per sink with {@code _id} =
 * {@code database.collection}; the unique {@code _id} decides a race, a conditional update hands a
 * claim over.
 */
public final class MongoSinkClaims implements SinkClaims {

  private static final int ATTEMPTS = 5;

  private final MongoDatabase database;

  /**
   * @param client a client the caller owns and closes
   * @param database the offset stores' database
   */
  public MongoSinkClaims(MongoClient client, String database) {
    this.database =
        Objects.requireNonNull(client, "client")
            .getDatabase(Objects.requireNonNull(database, "database"));
  }

  @Override
  public void createIfMissing() {
    MongoSchema.createCollectionIfMissing(database, CLAIMS);
  }

  @Override
  public SinkClaim claim(SinkClaim wanted) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        claims()
            .insertOne(
                new Document("_id", wanted.sink())
                    .append("namespace", wanted.namespace())
                    .append("name", wanted.name())
                    .append("uid", wanted.uid())
                    .append("claimedAt", new Date()));
        return wanted;
      } catch (MongoWriteException e) {
        if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
          throw e;
        }
      }
      Document found = claims().find(eq("_id", wanted.sink())).first();
      if (found == null) {
        continue; // released meanwhile
      }
      SinkClaim held =
          new SinkClaim(
              wanted.sink(),
              found.getString("namespace"),
              found.getString("name"),
              found.getString("uid"));
      if (held.uid().equals(wanted.uid()) || !held.samePipeline(wanted)) {
        return held;
      }
      // the same pipeline made again: take its predecessor's claim over
      long taken =
          claims()
              .updateOne(
                  and(eq("_id", wanted.sink()), eq("uid", held.uid())),
                  Updates.combine(
                      Updates.set("uid", wanted.uid()), Updates.set("claimedAt", new Date())))
              .getModifiedCount();
      if (taken == 1) {
        return wanted;
      }
    }
    throw new IllegalStateException(
        "could not claim " + wanted.sink() + " in " + ATTEMPTS + " attempts: it keeps changing");
  }

  @Override
  public List<String> releaseAll(String uid) {
    List<String> released = new ArrayList<>();
    for (Document claim : claims().find(eq("uid", uid))) {
      String sink = claim.getString("_id");
      if (claims().deleteOne(and(eq("_id", sink), eq("uid", uid))).getDeletedCount() == 1) {
        released.add(sink);
      }
    }
    return released;
  }

  private MongoCollection<Document> claims() {
    return database.getCollection(CLAIMS);
  }
}
