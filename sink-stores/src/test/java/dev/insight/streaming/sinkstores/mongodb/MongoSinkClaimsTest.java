package dev.insight.streaming.sinkstores.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.SinkClaims;
import dev.insight.streaming.sinkstores.SinkClaimsContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedServersExtension.class)
class MongoSinkClaimsTest extends SinkClaimsContract {

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
  protected SinkClaims newClaims(String location) {
    return new MongoSinkClaims(client, location);
  }
}
