package dev.insight.streaming.job.story;

import static dev.insight.streaming.job.story.StoryPipeline.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.sinkstores.Column;
import dev.insight.streaming.sinkstores.FieldType;
import dev.insight.streaming.sinkstores.cassandra.CassandraSchema;
import dev.insight.streaming.sinkstores.cassandra.Replication;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stories of the Cassandra table's shape, with the job started by hand (no operator readied the
 * table): a sink without fields keeps whole records as JSON, a table from an older spec gets the
 * new fields' columns, and a column of another type stops the job before it writes anything.
 */
@ExtendWith(SharedServersExtension.class)
class SchemaStoryTest {

  @Test
  void withoutFieldsEveryRecordIsStoredWholeAsJson(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    try (StoryPipeline p = new StoryPipeline("whole-json", 2, kafka, cassandra, mongo)) {
      p.config().with("transform").remove("fields");
      int records = 200;
      p.produce(0, records, 2);

      try (JobProcess job = p.startJob("run")) {
        awaitCaughtUp(p, job);

        Map<String, String> columns = columnTypes(p);
        assertThat(columns)
            .as("id plus the documented record column")
            .containsExactlyInAnyOrderEntriesOf(Map.of("id", "text", "record", "text"));
        List<Row> rows = p.cassandraRows();
        assertThat(rows).hasSize(records);
        Set<Long> seqs = new TreeSet<>();
        for (Row row : rows) {
          JsonNode stored = StoryPipeline.JSON.readTree(row.getString("record"));
          long seq = stored.get("seq").asLong();
          assertThat(stored)
              .as("record %d, nested objects included", seq)
              .isEqualTo(StoryPipeline.JSON.readTree(StoryPipeline.record(seq)));
          assertThat(row.getString("id")).startsWith(p.topic() + "/");
          seqs.add(seq);
        }
        assertThat(seqs).hasSize(records);
        assertThat(job.terminate()).isZero();
      }
    }
  }

  @Test
  void aTableFromAnOlderSpecGetsTheNewFieldsColumnsAndKeepsTheOthers(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    try (StoryPipeline p = new StoryPipeline("evolved", 2, kafka, cassandra, mongo)) {
      // the table as an earlier spec left it: fewer fields, and one the current spec dropped
      CassandraSchema.forFields(
              "stories",
              p.table(),
              Replication.simple(1),
              List.of(
                  new Column("seq", FieldType.LONG),
                  new Column("customer", FieldType.STRING),
                  new Column("legacy", FieldType.STRING)))
          .ensure(p.cql());
      p.cql()
          .execute(
              "INSERT INTO stories." + p.table() + " (id, seq, legacy) VALUES ('old', -1, 'kept')");
      int records = 200;
      p.produce(0, records, 2);

      try (JobProcess job = p.startJob("run")) {
        awaitCaughtUp(p, job);

        assertThat(columnTypes(p))
            .containsExactlyInAnyOrderEntriesOf(
                Map.of(
                    "id", "text",
                    "seq", "bigint",
                    "customer", "text",
                    "legacy", "text",
                    "amount", "double",
                    "paid", "boolean",
                    "placedAt", "timestamp"));
        List<Row> rows = p.cassandraRows();
        assertThat(rows).hasSize(records + 1);
        for (Row row : rows) {
          if (row.getString("id").equals("old")) {
            assertThat(row.getString("legacy")).isEqualTo("kept");
          } else {
            StoryPipeline.assertCassandraRowMatchesItsRecord(row);
            assertThat(row.isNull("legacy")).isTrue();
          }
        }
        assertThat(job.log()).contains("added columns [amount, paid, placedAt]");
        assertThat(job.terminate()).isZero();
      }
    }
  }

  @Test
  void aColumnOfAnotherTypeStopsTheJobBeforeItWrites(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws Exception {
    try (StoryPipeline p = new StoryPipeline("retyped", 1, kafka, cassandra, mongo)) {
      CassandraSchema.forFields(
              "stories",
              p.table(),
              Replication.simple(1),
              List.of(new Column("seq", FieldType.STRING)))
          .ensure(p.cql());
      p.produce(0, 10, 1);

      try (JobProcess job = p.startJob("run")) {
        assertThat(job.awaitExit(Duration.ofSeconds(120))).isNotZero();
        assertThat(job.log())
            .contains("table stories.retyped cannot take the rows: column seq is text, not bigint");
        assertThat(columnTypes(p))
            .as("nothing added beside the refusal")
            .containsExactlyInAnyOrderEntriesOf(Map.of("id", "text", "seq", "text"));
        assertThat(p.cassandraRows()).isEmpty();
      }
    }
  }

  private static void awaitCaughtUp(StoryPipeline p, JobProcess job) throws InterruptedException {
    await(
        "every record processed",
        Duration.ofSeconds(120),
        job,
        () -> {
          try {
            return p.caughtUp();
          } catch (Exception e) {
            return false;
          }
        });
  }

  private static Map<String, String> columnTypes(StoryPipeline p) {
    Map<String, String> types = new HashMap<>();
    p.cql()
        .execute(
            "SELECT column_name, type FROM system_schema.columns"
                + " WHERE keyspace_name = 'stories' AND table_name = ?",
            p.table())
        .forEach(r -> types.put(r.getString(0), r.getString(1)));
    return types;
  }
}
