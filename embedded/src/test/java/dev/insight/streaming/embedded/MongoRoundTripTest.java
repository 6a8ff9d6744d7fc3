package dev.insight.streaming.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.WriteModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedServersExtension.class)
class MongoRoundTripTest {

  @Test
  void insertBulkUpsertAndFind(EmbeddedMongo mongo) {
    assertThat(mongo.connectionString()).matches("mongodb://127\\.0\\.0\\.1:\\d+");
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      MongoCollection<Document> rows = client.getDatabase("round_trip").getCollection("rows");
      rows.insertOne(new Document("_id", "a").append("n", 1));

      List<WriteModel<Document>> upserts = new ArrayList<>();
      for (String id : List.of("a", "b", "c")) {
        upserts.add(
            new ReplaceOneModel<>(
                Filters.eq("_id", id),
                new Document("_id", id).append("n", 2),
                new ReplaceOptions().upsert(true)));
      }
      BulkWriteResult result = rows.bulkWrite(upserts);

      assertThat(result.getMatchedCount()).isEqualTo(1);
      assertThat(result.getUpserts()).hasSize(2);
      assertThat(rows.find().sort(Sorts.ascending("_id")).into(new ArrayList<>()))
          .extracting(d -> d.getString("_id") + "=" + d.getInteger("n"))
          .containsExactly("a=2", "b=2", "c=2");
    }
  }

  @Test
  void theH2BackendKeepsDocumentsAcrossARestart(@TempDir Path dir) {
    Path file = dir.resolve("mongo.h2");
    try (EmbeddedMongo first = EmbeddedMongo.startPersistent(file);
        MongoClient client = MongoClients.create(first.connectionString())) {
      client
          .getDatabase("durable")
          .getCollection("offsets")
          .insertOne(new Document("_id", "t/0").append("offset", 42L));
    }
    try (EmbeddedMongo second = EmbeddedMongo.startPersistent(file);
        MongoClient client = MongoClients.create(second.connectionString())) {
      Document stored =
          client
              .getDatabase("durable")
              .getCollection("offsets")
              .find(Filters.eq("_id", "t/0"))
              .first();
      assertThat(stored).isNotNull();
      assertThat(stored.getLong("offset")).isEqualTo(42L);
    }
  }
}
