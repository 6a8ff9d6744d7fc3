package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** When and how fast the driver is restarted after it stops. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type != 'Never' || !has(self.maxRetries)",
    message =
        "job.restartPolicy.maxRetries has no effect with type Never: remove it or choose Always/OnFailure",
    fieldPath = ".maxRetries")
public class RestartPolicySpec {

  @Default("Always")
  @JsonPropertyDescription(
      "Always restarts after any exit, OnFailure only after a failure, Never not at all.")
  private RestartPolicyType type = RestartPolicyType.Always;

  @JsonPropertyDescription("Delay between restarts: doubles from initialDelay up to maxDelay.")
  private BackoffSpec backoff;

  @Min(0)
  @Max(1000)
  @JsonPropertyDescription(
      "Restarts allowed in a row before the pipeline becomes Failed. Omitted: unlimited.")
  private Integer maxRetries;

  @Default("10m")
  @Size(max = 32)
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "A driver running this long counts as stable: the retry count and backoff reset.")
  private String stableRunDuration = "10m";

  public RestartPolicyType getType() {
    return type;
  }

  public void setType(RestartPolicyType type) {
    this.type = type;
  }

  public BackoffSpec getBackoff() {
    return backoff;
  }

  public void setBackoff(BackoffSpec backoff) {
    this.backoff = backoff;
  }

  public Integer getMaxRetries() {
    return maxRetries;
  }

  public void setMaxRetries(Integer maxRetries) {
    this.maxRetries = maxRetries;
  }

  public String getStableRunDuration() {
    return stableRunDuration;
  }

  public void setStableRunDuration(String stableRunDuration) {
    this.stableRunDuration = stableRunDuration;
  }
}
