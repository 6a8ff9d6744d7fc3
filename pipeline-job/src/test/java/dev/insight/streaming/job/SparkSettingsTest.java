package dev.insight.streaming.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.insight.streaming.jobconfig.JobConfig;
import dev.insight.streaming.jobconfig.StreamConfig;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What the job derives from its JobConfig into the SparkConf before Spark starts. */
class SparkSettingsTest {

  private static JobConfig config(String stream) {
    return JobConfig.parse(
        """
        {"pipeline": {"namespace": "settings", "name": "p"},
         "kafka": {"bootstrapServers": "localhost:9092", "topics": ["t"]},
         "stream": %s,
         "transform": {"fields": [{"name": "kind"}]},
         "sinks": {"mongodb": {"uriEnv": "MONGODB_URI", "database": "d", "collection": "c"}}}
        """
            .formatted(stream));
  }

  private static SparkConf configured(JobConfig config, SparkConf conf) {
    new PipelineJob(config, conf, name -> null).configureSpark();
    return conf;
  }

  @Test
  void withBackpressureTheFirstBatchesStartAtAModerateRateInsteadOfTheWholeBacklog() {
    SparkConf conf = configured(config("{}"), new SparkConf(false));

    assertThat(conf.get("spark.streaming.backpressure.enabled")).isEqualTo("true");
    assertThat(conf.get("spark.streaming.backpressure.initialRate"))
        .isEqualTo("20000")
        .isEqualTo(StreamConfig.BACKPRESSURE_INITIAL_RATE);
    assertThat(conf.contains("spark.streaming.kafka.maxRatePerPartition")).isFalse();
  }

  @Test
  void aUsersInitialRateIsKept() {
    SparkConf conf =
        configured(
            config("{}"),
            new SparkConf(false).set("spark.streaming.backpressure.initialRate", "500"));

    assertThat(conf.get("spark.streaming.backpressure.initialRate")).isEqualTo("500");
  }

  @Test
  void withoutBackpressureOnlyTheRateCapLimitsABatch() {
    SparkConf conf =
        configured(
            config("{\"backpressure\": false, \"maxRatePerPartition\": 1000}"),
            new SparkConf(false));

    assertThat(conf.get("spark.streaming.backpressure.enabled")).isEqualTo("false");
    assertThat(conf.contains("spark.streaming.backpressure.initialRate")).isFalse();
    assertThat(conf.get("spark.streaming.kafka.maxRatePerPartition")).isEqualTo("1000");
  }
}
