package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** The stores rows are written to; every configured sink receives every row. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.cassandra) || has(self.mongodb)",
    message = "sinks must configure at least one of cassandra or mongodb")
public class SinksSpec {

  @JsonPropertyDescription("Write rows to a Cassandra table (upserts by row id).")
  private CassandraSinkSpec cassandra;

  @JsonPropertyDescription("Write rows to a MongoDB collection (upserts by _id = row id).")
  private MongoSinkSpec mongodb;

  public CassandraSinkSpec getCassandra() {
    return cassandra;
  }

  public void setCassandra(CassandraSinkSpec cassandra) {
    this.cassandra = cassandra;
  }

  public MongoSinkSpec getMongodb() {
    return mongodb;
  }

  public void setMongodb(MongoSinkSpec mongodb) {
    this.mongodb = mongodb;
  }
}
