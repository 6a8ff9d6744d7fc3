package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A Secret and the keys in it that hold the Cassandra username and password. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.usernameKey) || !has(self.passwordKey) || self.usernameKey != self.passwordKey",
    message =
        "sinks.cassandra.credentialsSecret: usernameKey and passwordKey must name two different keys")
public class CassandraCredentials {

  @Required
  @Size(min = 1, max = 253)
  @Pattern(Formats.OBJECT_NAME)
  @JsonPropertyDescription("Name of the Secret, in the pipeline's namespace.")
  private String name;

  @Default("username")
  @Size(min = 1, max = 253)
  @Pattern(Formats.SECRET_KEY)
  @JsonPropertyDescription("Key of the username in the Secret.")
  private String usernameKey = "username";

  @Default("password")
  @Size(min = 1, max = 253)
  @Pattern(Formats.SECRET_KEY)
  @JsonPropertyDescription("Key of the password in the Secret.")
  private String passwordKey = "password";

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getUsernameKey() {
    return usernameKey;
  }

  public void setUsernameKey(String usernameKey) {
    this.usernameKey = usernameKey;
  }

  public String getPasswordKey() {
    return passwordKey;
  }

  public void setPasswordKey(String passwordKey) {
    this.passwordKey = passwordKey;
  }
}
