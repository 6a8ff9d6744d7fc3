package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Exponential delay between driver restarts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.initialDelay) || !has(self.maxDelay)"
            + " || !self.initialDelay.matches('"
            + Formats.DURATION
            + "')"
            + " || !self.maxDelay.matches('"
            + Formats.DURATION
            + "')"
            + " || duration(self.initialDelay) <= duration(self.maxDelay)",
    message = "job.restartPolicy.backoff.initialDelay must not exceed maxDelay",
    fieldPath = ".initialDelay")
public class BackoffSpec {

  @Default("10s")
  @Size(max = 32)
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Delay before the first restart.")
  private String initialDelay = "10s";

  @Default("5m")
  @Size(max = 32)
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Longest delay between restarts.")
  private String maxDelay = "5m";

  public String getInitialDelay() {
    return initialDelay;
  }

  public void setInitialDelay(String initialDelay) {
    this.initialDelay = initialDelay;
  }

  public String getMaxDelay() {
    return maxDelay;
  }

  public void setMaxDelay(String maxDelay) {
    this.maxDelay = maxDelay;
  }
}
