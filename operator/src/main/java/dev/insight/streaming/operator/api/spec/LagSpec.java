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

/**
 * How consumer lag is measured, evaluated and reported. Each rule comparing durations passes a
 * value its field's pattern refuses, which the pattern reports: duration() of it would fail with a
 * type conversion error.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!self.window.matches('"
            + Formats.DURATION
            + "')"
            + " || !self.interval.matches('"
            + Formats.DURATION
            + "')"
            + " || duration(self.window) >= duration(self.interval)",
    message = "lag.window must be at least lag.interval: the window needs several samples",
    fieldPath = ".window")
@ValidationRule(
    value =
        "!self.statusInterval.matches('"
            + Formats.DURATION
            + "')"
            + " || !self.interval.matches('"
            + Formats.DURATION
            + "')"
            + " || duration(self.statusInterval) >= duration(self.interval)",
    message =
        "lag.statusInterval must be at least lag.interval: status cannot change faster than lag is read",
    fieldPath = ".statusInterval")
@ValidationRule(
    value =
        "!self.stallThreshold.matches('"
            + Formats.DURATION
            + "')"
            + " || !self.interval.matches('"
            + Formats.DURATION
            + "')"
            + " || duration(self.stallThreshold) >= duration(self.interval)",
    message = "lag.stallThreshold must be at least lag.interval: a stall needs two readings",
    fieldPath = ".stallThreshold")
public class LagSpec {

  @Default("10s")
  @Size(max = 32)
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("How often processed and end offsets are read.")
  private String interval = "10s";

  @Default("30s")
  @Size(max = 32)
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "Least time between two status updates caused by lag figures alone"
          + " (a change of evaluation is written at once).")
  private String statusInterval = "30s";

  @Default("5m")
  @Size(max = 32)
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Sliding window over which each partition's lag is evaluated.")
  private String window = "5m";

  @Default("10000")
  @Min(0)
  @JsonPropertyDescription(
      "Lag in records above which a partition whose lag keeps growing over the window is WARN.")
  private Long warnThreshold = 10_000L;

  @Default("2m")
  @Size(max = 32)
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription(
      "How long processed offsets may stand still while lag > 0 before a partition is STALL.")
  private String stallThreshold = "2m";

  @Default("20")
  @Min(0)
  @Max(200)
  @JsonPropertyDescription(
      "How many partitions status.lag.partitions lists (largest lag first);"
          + " totals always cover all partitions.")
  private Integer maxPartitionsInStatus = 20;

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getStatusInterval() {
    return statusInterval;
  }

  public void setStatusInterval(String statusInterval) {
    this.statusInterval = statusInterval;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public Long getWarnThreshold() {
    return warnThreshold;
  }

  public void setWarnThreshold(Long warnThreshold) {
    this.warnThreshold = warnThreshold;
  }

  public String getStallThreshold() {
    return stallThreshold;
  }

  public void setStallThreshold(String stallThreshold) {
    this.stallThreshold = stallThreshold;
  }

  public Integer getMaxPartitionsInStatus() {
    return maxPartitionsInStatus;
  }

  public void setMaxPartitionsInStatus(Integer maxPartitionsInStatus) {
    this.maxPartitionsInStatus = maxPartitionsInStatus;
  }
}
