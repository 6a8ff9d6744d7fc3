package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A MongoDB collection the job upserts into. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MongoSinkSpec {

  @Required
  @JsonPropertyDescription(
      "Secret key holding the connection string (mongodb://user:password@host:27017/...),"
          + " which usually carries credentials.")
  private SecretKeyRef uriSecret;

  @Required
  @Size(min = 1, max = 63)
  @Pattern(Formats.MONGO_DATABASE)
  @JsonPropertyDescription("Database name.")
  private String database;

  @Required
  @Size(min = 1, max = 120)
  @Pattern(Formats.MONGO_COLLECTION)
  @JsonPropertyDescription("Collection name; not a system.* collection.")
  @ValidationRule(
      value = "!self.startsWith('system.')",
      message = "sinks.mongodb.collection must not be a system.* collection: choose another name")
  private String collection;

  public SecretKeyRef getUriSecret() {
    return uriSecret;
  }

  public void setUriSecret(SecretKeyRef uriSecret) {
    this.uriSecret = uriSecret;
  }

  public String getDatabase() {
    return database;
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  public String getCollection() {
    return collection;
  }

  public void setCollection(String collection) {
    this.collection = collection;
  }
}
