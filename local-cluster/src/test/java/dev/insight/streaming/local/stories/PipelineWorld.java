package dev.insight.streaming.local.stories;

import dev.insight.streaming.operator.api.StreamingPipeline;
import java.util.List;

/**
 * What a pipeline story needs of the servers around a cluster: send records to a topic and count
 * what each sink holds. The local cluster reaches its servers directly; a k3s cluster through
 * {@code exec} in the servers' pods.
 */
interface PipelineWorld {

  /**
   * Sends these JSON records to the pipeline's first topic and returns once Kafka has acknowledged
   * them all.
   */
  void produce(StreamingPipeline pipeline, List<String> records);

  /** Rows in the pipeline's Cassandra table; -1 while the table does not exist. */
  long cassandraRows(StreamingPipeline pipeline);

  /** Documents in the pipeline's MongoDB collection. */
  long mongoDocuments(StreamingPipeline pipeline);
}
