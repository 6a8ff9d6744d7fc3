package dev.insight.streaming.job.write;

import dev.insight.streaming.job.transform.MalformedRecordException;
import dev.insight.streaming.job.transform.SinkRow;
import dev.insight.streaming.job.transform.SourceRecord;
import dev.insight.streaming.job.transform.Transformation;
import dev.insight.streaming.jobconfig.TransformConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one Spark task does with one Kafka partition's share of a batch: transform each record,
 * upsert the rows into every sink, send malformed records to the dead-letter topic. Rows go out in
 * chunks so a large batch never sits whole in memory, and every sink sees every chunk before the
 * task ends.
 */
public final class PartitionWriter
    implements VoidFunction<Iterator<ConsumerRecord<byte[], byte[]>>> {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionWriter.class);

  // one line per JVM: which executors take part (the driver's log has the batches)
  private static final AtomicBoolean FIRST_TASK_DONE = new AtomicBoolean();

  private final TransformConfig transform;
  private final CassandraRows cassandra;
  private final MongoRows mongo;
  private final DeadLetters deadLetters;
  private final int chunkSize;
  private final LongAccumulator written;
  private final LongAccumulator rejected;

  PartitionWriter(
      TransformConfig transform,
      CassandraRows cassandra,
      MongoRows mongo,
      DeadLetters deadLetters,
      int chunkSize,
      LongAccumulator written,
      LongAccumulator rejected) {
    this.transform = transform;
    this.cassandra = cassandra;
    this.mongo = mongo;
    this.deadLetters = deadLetters;
    this.chunkSize = chunkSize;
    this.written = written;
    this.rejected = rejected;
  }

  @Override
  public void call(Iterator<ConsumerRecord<byte[], byte[]>> records) {
    Transformation transformation = Transformation.of(transform);
    Chunk rows = new Chunk(transformation.keyed(), chunkSize);
    List<DeadLetters.Rejected> bad = new ArrayList<>();
    while (records.hasNext()) {
      ConsumerRecord<byte[], byte[]> r = records.next();
      try {
        rows.add(
            transformation.apply(
                new SourceRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.value())));
      } catch (MalformedRecordException e) {
        bad.add(new DeadLetters.Rejected(r, e.getMessage()));
      }
      if (rows.size() >= chunkSize) {
        flush(rows.take());
      }
    }
    flush(rows.take());
    deadLetters.send(bad);
    rejected.add(bad.size());
    if (FIRST_TASK_DONE.compareAndSet(false, true)) {
      SparkEnv env = SparkEnv.get();
      LOG.info(
          "executor {} wrote its first partition of a batch", env == null ? "?" : env.executorId());
    }
  }

  private void flush(List<SinkRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    if (cassandra != null) {
      cassandra.write(rows);
    }
    if (mongo != null) {
      mongo.write(rows);
    }
    written.add(rows.size());
  }

  /**
   * The rows waiting for the next flush. Keyed rows keep only the newest version per id: the sinks
   * would discard the older ones anyway, and two versions of one row in one write must not depend
   * on the order the sink applies them in. Rows stay in arrival order (an id's place is its first
   * arrival's), in a list the sinks take as it is.
   */
  private static final class Chunk {
    private final Map<String, Integer> positions;
    private final int capacity;
    private List<SinkRow> rows;

    Chunk(boolean keyed, int capacity) {
      this.capacity = capacity;
      this.positions = keyed ? new HashMap<>(capacity * 2) : null;
      this.rows = new ArrayList<>(capacity);
    }

    void add(SinkRow row) {
      if (positions != null) {
        Integer at = positions.putIfAbsent(row.id(), rows.size());
        if (at != null) {
          if (row.version().compareTo(rows.get(at).version()) > 0) {
            rows.set(at, row);
          }
          return;
        }
      }
      rows.add(row);
    }

    int size() {
      return rows.size();
    }

    List<SinkRow> take() {
      List<SinkRow> taken = rows;
      rows = new ArrayList<>(capacity);
      if (positions != null) {
        positions.clear();
      }
      return taken;
    }
  }
}
