package dev.insight.streaming.job.write;

import com.datastax.spark.connector.cql.CassandraConnector;
import com.datastax.spark.connector.japi.CassandraJavaUtil;
import com.datastax.spark.connector.writer.SqlRowWriter;
import com.datastax.spark.connector.writer.TableWriter;
import com.datastax.spark.connector.writer.TimestampOption;
import com.datastax.spark.connector.writer.WriteConf;
import dev.insight.streaming.job.transform.RowVersion;
import dev.insight.streaming.job.transform.SinkRow;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.cassandra.CassandraSchema;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * Upserts rows into the pipeline's Cassandra table through the connector's writer (its batching and
 * concurrency), each at its record's write time ({@link RowVersion#cassandraWriteTime()}), so that
 * Cassandra keeps the newest version of a row whatever order the writes arrive in. Without
 * configured fields, each row's fields go into the record column as JSON.
 */
final class CassandraRows implements Serializable {

  // the write time's bind marker; longer than any field name may be, so it never names a column
  private static final String WRITE_TIME = "streaming_pipeline_row_version_write_time_in_micros";

  private final TableWriter<Row> writer;
  private final List<String> fieldNames;
  private final boolean wholeRecord;

  CassandraRows(SparkConf conf, CassandraSchema schema) {
    List<String> columns = new ArrayList<>();
    columns.add(CassandraSchema.ID_COLUMN);
    fieldNames = schema.columns().stream().map(Column::name).toList();
    wholeRecord = schema.wholeRecord();
    columns.addAll(fieldNames);
    columns.add(WRITE_TIME);
    WriteConf base = WriteConf.fromSparkConf(conf);
    // built on the driver, like saveToCassandra does: it reads the table's metadata once and ships
    // to the tasks
    writer =
        TableWriter.apply(
            CassandraConnector.apply(conf),
            schema.keyspace(),
            schema.table(),
            CassandraJavaUtil.someColumns(columns.toArray(String[]::new)),
            new WriteConf(
                base.batchSize(),
                base.batchGroupingBufferSize(),
                base.batchGroupingKey(),
                base.consistencyLevel(),
                base.ifNotExists(),
                base.ignoreNulls(),
                base.parallelismLevel(),
                base.throughputMiBPS(),
                base.ttl(),
                TimestampOption.perRow(WRITE_TIME),
                base.taskMetricsEnabled(),
                base.executeAs()),
            false,
            SqlRowWriter.Factory$.MODULE$);
  }

  /** Writes the rows and returns when Cassandra has acknowledged every one of them. */
  void write(List<SinkRow> rows) {
    Iterator<Row> values = rows.stream().map(this::toRow).iterator();
    writer.write(TaskContext.get(), JavaConverters.asScalaIterator(values));
  }

  private Row toRow(SinkRow row) {
    Object[] values = new Object[fieldNames.size() + 2];
    values[0] = row.id();
    for (int i = 0; i < fieldNames.size(); i++) {
      values[i + 1] =
          wholeRecord ? RecordJson.of(row.fields()) : row.fields().get(fieldNames.get(i));
    }
    values[values.length - 1] = row.version().cassandraWriteTime();
    return RowFactory.create(values);
  }
}
