package dev.insight.streaming.jobconfig;

import dev.insight.streaming.sinkstores.mongodb.MongoOffsetStore;
import java.io.Serializable;
import java.util.function.Function;

/**
 * The MongoDB sink: the env var holding the connection string (it may carry credentials), database,
 * collection.
 */
public record MongoSinkConfig(
    String uriEnv, String database, String collection, String offsetsDatabase)
    implements Serializable {

  public MongoSinkConfig {
    offsetsDatabase = offsetsDatabase == null ? MongoOffsetStore.DEFAULT_DATABASE : offsetsDatabase;
  }

  /**
   * The connection string from the environment.
   *
   * @throws IllegalStateException naming the variable (never its value) when it is unset
   */
  public String uri(Function<String, String> environment) {
    String uri = environment.apply(uriEnv);
    if (uri == null || uri.isBlank()) {
      throw new IllegalStateException(
          "environment variable " + uriEnv + " (sinks.mongodb.uriEnv) is not set");
    }
    return uri;
  }

  void validate(Problems p) {
    p.matches("sinks.mongodb.uriEnv", uriEnv, Problems.ENV_VAR, "an environment variable name");
    p.matches(
        "sinks.mongodb.database", database, Problems.MONGO_DATABASE, "a MongoDB database name");
    p.matches(
        "sinks.mongodb.collection",
        collection,
        Problems.MONGO_COLLECTION,
        "a MongoDB collection name");
    if (collection != null && collection.startsWith("system.")) {
      p.add("sinks.mongodb.collection", "must not be a system.* collection");
    }
    p.matches(
        "sinks.mongodb.offsetsDatabase",
        offsetsDatabase,
        Problems.MONGO_DATABASE,
        "a MongoDB database name");
  }
}
