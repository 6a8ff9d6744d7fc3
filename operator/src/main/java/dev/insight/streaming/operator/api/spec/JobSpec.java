package dev.insight.streaming.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.insight.streaming.jobconfig.StreamConfig;
import dev.insight.streaming.operator.api.Formats;
import dev.insight.streaming.operator.api.validation.OperatorOwnedSettings;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** The Spark Streaming job: image, batching, rate limits, resources, restart policy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobSpec {

  @Required
  @Size(min = 1, max = 512)
  @Pattern(Formats.IMAGE)
  @JsonPropertyDescription(
      "Container image with Spark and the pipeline job, e.g."
          + " ghcr.io/insight/streaming-pipeline-job:0.1.0.")
  private String image;

  @Default("5s")
  @Size(max = 32)
  @Pattern(Formats.DURATION)
  @JsonPropertyDescription("Spark Streaming batch interval, e.g. 500ms, 5s, 1m.")
  // a value the pattern refuses is left to the pattern's message: duration() of it would fail the
  // rule with a
  // type conversion error next to it
  @ValidationRule(
      value =
          "!self.matches('"
              + Formats.DURATION
              + "')"
              + " || (duration(self) >= duration('100ms') && duration(self) <= duration('1h'))",
      message = "job.batchInterval must be between 100ms and 1h")
  private String batchInterval = "5s";

  @Min(1)
  @JsonPropertyDescription(
      "Maximum records per second read from each partition"
          + " (spark.streaming.kafka.maxRatePerPartition). Omitted: unlimited.")
  private Long maxRatePerPartition;

  @Default("true")
  @JsonPropertyDescription(
      "Let Spark adapt the ingestion rate to the processing rate"
          + " (spark.streaming.backpressure.enabled). The batches generated before the first"
          + " one finishes read at most "
          + StreamConfig.BACKPRESSURE_INITIAL_RATE
          + " records per second of interval over all"
          + " partitions (spark.streaming.backpressure.initialRate, settable in sparkConf), so a"
          + " start on a backlog does not read all of it into one batch.")
  private Boolean backpressure = true;

  @JsonPropertyDescription("Driver pod resources.")
  private DriverResources driver;

  @JsonPropertyDescription("Executor pods: how many and their resources.")
  private ExecutorResources executor;

  @Size(max = 64)
  @JsonPropertyDescription(
      "Extra Spark properties (spark.*). Properties the operator sets itself (spark.master,"
          + " spark.app.name, spark.driver.host, spark.kubernetes.*, spark.streaming.kafka.*, ...) are refused.")
  @ValidationRule(
      value = "self.all(k, k.startsWith('spark.'))",
      message = "job.sparkConf keys must start with 'spark.'")
  // the operator's keys are refused at admission, never silently overwritten; the lists are
  // OperatorOwnedSettings', which the operator's own check reads too
  @ValidationRule(
      value = "self.all(k, !(k in " + OperatorOwnedSettings.CEL_SPARK_KEYS_WITH_FIELD + "))",
      messageExpression =
          "'job.sparkConf: ' + self.filter(k, k in "
              + OperatorOwnedSettings.CEL_SPARK_KEYS_WITH_FIELD
              + ")[0] + ' is set by the operator from ' + "
              + OperatorOwnedSettings.CEL_SPARK_KEYS_WITH_FIELD
              + "[self.filter(k, k in "
              + OperatorOwnedSettings.CEL_SPARK_KEYS_WITH_FIELD
              + ")[0]] + '; set that field instead'",
      message = "job.sparkConf sets a key the operator sets from a spec field; set that field")
  @ValidationRule(
      value =
          "self.all(k, !(k in "
              + OperatorOwnedSettings.CEL_SPARK_KEYS
              + ") && !"
              + OperatorOwnedSettings.CEL_SPARK_PREFIXES
              + ".exists(p, k.startsWith(p)))",
      messageExpression =
          "'job.sparkConf: ' + self.filter(k, k in "
              + OperatorOwnedSettings.CEL_SPARK_KEYS
              + " || "
              + OperatorOwnedSettings.CEL_SPARK_PREFIXES
              + ".exists(p, k.startsWith(p)))[0] + ' is set by the operator (it wires the driver"
              + " into the cluster); remove it'",
      message = "job.sparkConf sets a key the operator sets itself; remove it")
  private Map<String, String> sparkConf;

  @JsonPropertyDescription("When and how fast the driver is restarted after it stops.")
  private RestartPolicySpec restartPolicy;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getBatchInterval() {
    return batchInterval;
  }

  public void setBatchInterval(String batchInterval) {
    this.batchInterval = batchInterval;
  }

  public Long getMaxRatePerPartition() {
    return maxRatePerPartition;
  }

  public void setMaxRatePerPartition(Long maxRatePerPartition) {
    this.maxRatePerPartition = maxRatePerPartition;
  }

  public Boolean getBackpressure() {
    return backpressure;
  }

  public void setBackpressure(Boolean backpressure) {
    this.backpressure = backpressure;
  }

  public DriverResources getDriver() {
    return driver;
  }

  public void setDriver(DriverResources driver) {
    this.driver = driver;
  }

  public ExecutorResources getExecutor() {
    return executor;
  }

  public void setExecutor(ExecutorResources executor) {
    this.executor = executor;
  }

  public Map<String, String> getSparkConf() {
    return sparkConf;
  }

  public void setSparkConf(Map<String, String> sparkConf) {
    this.sparkConf = sparkConf;
  }

  public RestartPolicySpec getRestartPolicy() {
    return restartPolicy;
  }

  public void setRestartPolicy(RestartPolicySpec restartPolicy) {
    this.restartPolicy = restartPolicy;
  }
}
