package dev.insight.streaming.operator.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Why the driver last stopped abnormally. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailureInfo {

  @JsonPropertyDescription("Short reason, e.g. Error, OOMKilled, Evicted.")
  private String reason;

  @JsonPropertyDescription("Details, e.g. exit code and the container's termination message.")
  private String message;

  @JsonPropertyDescription("When it happened (RFC 3339).")
  private String time;

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FailureInfo that
        && Objects.equals(reason, that.reason)
        && Objects.equals(message, that.message)
        && Objects.equals(time, that.time);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reason, message, time);
  }
}
