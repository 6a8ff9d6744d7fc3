package dev.insight.streaming.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServersExtension;
import dev.insight.streaming.job.write.PartitionFunction;
import dev.insight.streaming.job.write.PartitionWriter;
import dev.insight.streaming.job.write.SinkSet;
import dev.insight.streaming.jobconfig.JobConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Spark ships to executors holds the names of credentials, never their values: the partition
 * function every task runs, the Kafka parameters every task's consumer gets, and the SparkConf
 * every executor fetches. The values come from the environment of the JVM that uses them (each
 * pod's {@code secretKeyRef}); here the Cassandra ones are in this JVM's environment (set by
 * surefire) and the others in a static lookup, which a task names but does not carry, as it names
 * {@link Environment#system()}.
 */
@ExtendWith(SharedServersExtension.class)
class TaskClosureTest {

  static final Map<String, String> VALUES = new ConcurrentHashMap<>();

  static String lookup(String variable) {
    String value = VALUES.get(variable);
    return value != null ? value : System.getenv(variable);
  }

  @Test
  void tasksAndTheSparkConfCarryVariableNamesNeverTheirValues(
      EmbeddedKafka kafka, EmbeddedCassandra cassandra, EmbeddedMongo mongo) throws IOException {
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
            + " password=\"jaas-3e1f0a\";";
    // a query option makes this URI this test's own: the credential a real one would carry
    String mongoUri = mongo.connectionString() + "/?appName=closure-test-uri";
    VALUES.put("SP_TEST_MONGODB_URI", mongoUri);
    VALUES.put("SP_TEST_KAFKA_JAAS", jaas);
    List<String> secrets =
        List.of(
            jaas,
            "jaas-3e1f0a",
            mongoUri,
            System.getenv("SP_TEST_CASSANDRA_USERNAME"),
            System.getenv("SP_TEST_CASSANDRA_PASSWORD"));
    assertThat(secrets).doesNotContainNull();

    ObjectMapper json = new ObjectMapper();
    ObjectNode config = json.createObjectNode();
    config.putObject("pipeline").put("namespace", "closures").put("name", "closures");
    ObjectNode k = config.putObject("kafka").put("bootstrapServers", kafka.bootstrapServers());
    k.putArray("topics").add("closures.events");
    k.putObject("clientConfigFromEnv").put("sasl.jaas.config", "SP_TEST_KAFKA_JAAS");
    config.putObject("transform").putArray("fields").addObject().put("name", "kind");
    ObjectNode sinks = config.putObject("sinks");
    sinks
        .putObject("cassandra")
        .put("localDatacenter", cassandra.localDatacenter())
        .put("keyspace", "closures")
        .put("table", "events")
        .put("usernameEnv", "SP_TEST_CASSANDRA_USERNAME")
        .put("passwordEnv", "SP_TEST_CASSANDRA_PASSWORD")
        .putArray("contactPoints")
        .add(cassandra.host() + ":" + cassandra.port());
    sinks
        .putObject("mongodb")
        .put("uriEnv", "SP_TEST_MONGODB_URI")
        .put("database", "closures")
        .put("collection", "events");
    JobConfig jobConfig = JobConfig.parse(json.writeValueAsString(config));

    SparkConf conf = new SparkConf().setMaster("local[1]").set("spark.ui.enabled", "false");
    PipelineJob job = new PipelineJob(jobConfig, conf, TaskClosureTest::lookup);
    job.configureSpark();
    Map<String, Object> clientProperties =
        jobConfig.kafka().clientProperties(TaskClosureTest::lookup);
    try (JavaSparkContext spark = new JavaSparkContext(conf);
        SinkSet sinkSet = SinkSet.open(jobConfig, conf, TaskClosureTest::lookup)) {
      LongAccumulator written = spark.sc().longAccumulator("written");
      LongAccumulator rejected = spark.sc().longAccumulator("rejected");
      PartitionWriter writer = sinkSet.partitionWriter(conf, clientProperties, written, rejected);

      // what runJob ships to every task
      assertThat(serialized(new PartitionFunction(writer)))
          .as("the partition function")
          .doesNotContain(secrets);
      assertThat(serialized(new HashMap<>(job.kafkaParams(clientProperties))))
          .as("the consumers' Kafka parameters")
          .contains("${env:SP_TEST_KAFKA_JAAS}")
          .doesNotContain(secrets);
      assertThat(
              java.util.Arrays.stream(conf.getAll())
                  .map(e -> e._1() + "=" + e._2())
                  .collect(java.util.stream.Collectors.joining("\n")))
          .as("the SparkConf")
          .contains("SP_TEST_CASSANDRA_PASSWORD")
          .doesNotContain(secrets);
    }
  }

  private static String serialized(Object task) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(task);
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }
}
