package dev.insight.streaming.operator.lag;

import dev.insight.streaming.operator.api.status.LagSource;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One cycle's offsets of one pipeline: per partition its processed and end offset, or why they
 * could not be read. A partition with an end offset but no processed offset (nothing stored or
 * committed yet) is in neither map.
 */
record PipelineReading(
    Map<TopicPartition, Offsets> offsets, Map<TopicPartition, String> errors, LagSource source) {

  /** The processed (next to process) and end offset of one partition. */
  record Offsets(long processed, long end) {}
}
