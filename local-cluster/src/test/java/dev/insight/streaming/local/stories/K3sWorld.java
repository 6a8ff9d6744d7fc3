package dev.insight.streaming.local.stories;

import dev.insight.streaming.operator.api.StreamingPipeline;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;

/**
 * The development servers of {@code examples/infra/} inside a cluster, reached as an operator of
 * that cluster would: {@code exec} into their pods and use the servers' own command-line clients.
 */
final class K3sWorld implements PipelineWorld {

  private final KubernetesClient client;
  private final String namespace;

  K3sWorld(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  @Override
  public void produce(StreamingPipeline pipeline, List<String> records) {
    String topic = pipeline.getSpec().getKafka().getTopics().get(0).getName();
    // the operator creates the topic with its partitions; the broker would auto-create it with one
    Awaitility.await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(5))
        .until(
            () ->
                exec(
                            "kafka",
                            null,
                            "/opt/kafka/bin/kafka-topics.sh",
                            "--bootstrap-server",
                            "localhost:9092",
                            "--describe",
                            "--topic",
                            topic)
                        .exitCode()
                    == 0);
    Result sent =
        exec(
            "kafka",
            String.join("\n", records) + "\n",
            "/opt/kafka/bin/kafka-console-producer.sh",
            "--bootstrap-server",
            "localhost:9092",
            "--topic",
            topic,
            "--producer-property",
            "acks=all");
    if (sent.exitCode() != 0) {
      throw new AssertionError(
          "kafka-console-producer exited " + sent.exitCode() + ": " + sent.output());
    }
  }

  @Override
  public long cassandraRows(StreamingPipeline pipeline) {
    var cassandra = pipeline.getSpec().getSinks().getCassandra();
    Result counted =
        exec(
            "cassandra",
            null,
            "cqlsh",
            "-e",
            "SELECT count(*) FROM " + cassandra.getKeyspace() + "." + cassandra.getTable());
    return counted.exitCode() != 0 ? -1 : firstNumber(counted.output());
  }

  @Override
  public long mongoDocuments(StreamingPipeline pipeline) {
    var mongo = pipeline.getSpec().getSinks().getMongodb();
    String uri =
        new String(
            Base64.getDecoder()
                .decode(
                    client
                        .secrets()
                        .inNamespace(namespace)
                        .withName(mongo.getUriSecret().getName())
                        .get()
                        .getData()
                        .get(mongo.getUriSecret().getKey())),
            StandardCharsets.UTF_8);
    Result counted =
        exec(
            "mongodb",
            null,
            "mongosh",
            uri,
            "--quiet",
            "--eval",
            "db.getSiblingDB('"
                + mongo.getDatabase()
                + "').getCollection('"
                + mongo.getCollection()
                + "').countDocuments()");
    return counted.exitCode() != 0 ? -1 : firstNumber(counted.output());
  }

  private static long firstNumber(String output) {
    return output
        .lines()
        .map(String::strip)
        .filter(l -> l.matches("\\d+"))
        .findFirst()
        .map(Long::parseLong)
        .orElse(-1L);
  }

  private record Result(int exitCode, String output) {}

  private Result exec(String app, String stdin, String... command) {
    Pod pod =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel("app.kubernetes.io/name", app)
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no running " + app + " pod in " + namespace));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var target = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName());
    try (ExecWatch watch =
        stdin == null
            ? target.writingOutput(out).writingError(out).exec(command)
            : target.redirectingInput().writingOutput(out).writingError(out).exec(command)) {
      if (stdin != null) {
        try (OutputStream in = watch.getInput()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      int code = watch.exitCode().get(5, TimeUnit.MINUTES);
      return new Result(code, out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("exec in " + app + " failed: " + e, e);
    }
  }
}
