package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.operator.api.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Cores and memory of the driver pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriverResources {

  @Default("1")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Driver cores (spark.driver.cores and the pod's CPU request).")
  private Integer cores = 1;

  @Default("1g")
  @Size(max = 16)
  @Pattern(Formats.MEMORY)
  @JsonPropertyDescription(
      "Driver heap (spark.driver.memory), e.g. 1g, 512m, 2Gi. A unit is required.")
  private String memory = "1g";

  public Integer getCores() {
    return cores;
  }

  public void setCores(Integer cores) {
    this.cores = cores;
  }

  public String getMemory() {
    return memory;
  }

  public void setMemory(String memory) {
    this.memory = memory;
  }
}
