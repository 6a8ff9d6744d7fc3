package dev.insight.streaming.sinkstores.mongodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.ReplaceOptions;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import java.util.ArrayList;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServersExtension.class)
class MongoSchemaTest {

  @Test
  void createsTheCollectionOnceAndUpsertsByRowId(EmbeddedMongo mongo) {
    MongoSchema schema = new MongoSchema("schema_test", "orders");
    try (MongoClient client = MongoClients.create(mongo.connectionString())) {
      schema.createIfMissing(client);
      schema.createIfMissing(client);
      assertThat(client.getDatabase("schema_test").listCollectionNames().into(new ArrayList<>()))
          .containsOnlyOnce("orders");

      var orders = client.getDatabase("schema_test").getCollection("orders");
      for (int i = 0; i < 2; i++) {
        orders.replaceOne(
            new Document(MongoSchema.ID_FIELD, "o-1"),
            new Document(MongoSchema.ID_FIELD, "o-1").append("amount", 12.5),
            new ReplaceOptions().upsert(true));
      }
      assertThat(orders.countDocuments()).isEqualTo(1);
    }
  }
}
