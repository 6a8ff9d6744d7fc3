package dev.insight.streaming.sinkstores.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.OffsetStore;
import dev.insight.streaming.sinkstores.OffsetStoreContract;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServersExtension.class)
class MongoOffsetStoreTest extends OffsetStoreContract {

  private static MongoClient client;

  @BeforeAll
  static void connect(EmbeddedMongo mongo) {
    client = MongoClients.create(mongo.connectionString());
  }

  @AfterAll
  static void disconnect() {
    if (client != null) {
      client.close();
    }
  }

  @Override
  protected OffsetStore newStore(String location) {
    return new MongoOffsetStore(client, location);
  }

  @Test
  void theUniqueIndexRefusesASecondDocumentForOnePartition() {
    new MongoOffsetStore(client, "offsets_unique").createIfMissing();
    var offsets =
        client.getDatabase("offsets_unique").getCollection(MongoOffsetStore.OFFSETS_COLLECTION);
    offsets.insertOne(
        new Document("pipeline", "a/b")
            .append("topic", "t")
            .append("partition", 0)
            .append("offset", 1L));
    assertThatThrownBy(
            () ->
                offsets.insertOne(
                    new Document("pipeline", "a/b")
                        .append("topic", "t")
                        .append("partition", 0)
                        .append("offset", 2L)))
        .isInstanceOf(MongoWriteException.class);
    assertThat(offsets.countDocuments()).isEqualTo(1);
  }
}
