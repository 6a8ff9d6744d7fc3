package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** A Cassandra table the operator creates (with its keyspace) and the job upserts into. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraSinkSpec {

  @Required
  @Size(min = 1, max = 16)
  @JsonPropertyDescription("Contact points, each host or host:port (default port 9042).")
  private List<@Size(max = 253) @Pattern(Formats.HOST_OPTIONAL_PORT) String> contactPoints =
      new ArrayList<>();

  @Required
  @Size(min = 1, max = 128)
  @JsonPropertyDescription(
      "Local datacenter name used by the driver's load balancing, e.g. datacenter1.")
  private String localDatacenter;

  @Required
  @Size(min = 1, max = 48)
  @Pattern(Formats.IDENTIFIER)
  @JsonPropertyDescription("Keyspace; created with the given replication when missing.")
  private String keyspace;

  @Required
  @Size(min = 1, max = 48)
  @Pattern(Formats.IDENTIFIER)
  @JsonPropertyDescription(
      "Table; created when missing with a text id key and a column per transform field, or,"
          + " without fields, a record text column holding each record as JSON. A field added"
          + " later adds its column before the new driver starts; columns no longer in the spec"
          + " are kept.")
  private String table;

  @JsonPropertyDescription("Replication of the keyspace when the operator creates it.")
  private ReplicationSpec replication;

  @JsonPropertyDescription("Secret holding the username and password. Omitted: no authentication.")
  private CassandraCredentials credentialsSecret;

  public List<String> getContactPoints() {
    return contactPoints;
  }

  public void setContactPoints(List<String> contactPoints) {
    this.contactPoints = contactPoints;
  }

  public String getLocalDatacenter() {
    return localDatacenter;
  }

  public void setLocalDatacenter(String localDatacenter) {
    this.localDatacenter = localDatacenter;
  }

  public String getKeyspace() {
    return keyspace;
  }

  public void setKeyspace(String keyspace) {
    this.keyspace = keyspace;
  }

  public String getTable() {
    return table;
  }

  public void setTable(String table) {
    this.table = table;
  }

  public ReplicationSpec getReplication() {
    return replication;
  }

  public void setReplication(ReplicationSpec replication) {
    this.replication = replication;
  }

  public CassandraCredentials getCredentialsSecret() {
    return credentialsSecret;
  }

  public void setCredentialsSecret(CassandraCredentials credentialsSecret) {
    this.credentialsSecret = credentialsSecret;
  }
}
