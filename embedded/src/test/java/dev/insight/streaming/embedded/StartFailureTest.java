package dev.insight.streaming.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A server that cannot start says which server and why, and leaves nothing running. */
class StartFailureTest {

  private Set<Long> childrenBefore;

  @BeforeEach
  void rememberChildren() {
    childrenBefore = ChildProcesses.alive();
  }

  @AfterEach
  void nothingLeftRunning() {
    assertThat(ChildProcesses.alive())
        .as("child JVMs after a failed start")
        .isSubsetOf(childrenBefore);
  }

  @Test
  void aTakenKafkaPortIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> EmbeddedKafka.builder().port(taken.getLocalPort()).start())
          .isInstanceOf(EmbeddedServerException.class)
          .hasMessageContaining("Kafka broker")
          .hasMessageContaining("port " + taken.getLocalPort())
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void aTakenMongoPortIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> EmbeddedMongo.start(taken.getLocalPort()))
          .isInstanceOf(EmbeddedServerException.class)
          .hasMessageContaining("MongoDB-wire server")
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void aMissingJavaIsNamed() {
    Path missing = Path.of("/nonexistent/jdk/bin/java");
    assertThatThrownBy(() -> EmbeddedKafka.builder().javaCommand(missing).start())
        .isInstanceOf(EmbeddedServerException.class)
        .hasMessageContaining("Kafka broker")
        .hasMessageContaining("no Java executable at " + missing);
    assertThatThrownBy(() -> EmbeddedCassandra.builder().javaCommand(missing).start())
        .isInstanceOf(EmbeddedServerException.class)
        .hasMessageContaining("Cassandra node")
        .hasMessageContaining("no Java executable at " + missing);
  }

  @Test
  void aCassandraNodeDyingOnABrokenConfigQuotesItsLog() {
    assertThatThrownBy(
            () -> EmbeddedCassandra.builder().yamlLine("concurrent_reads: not-a-number").start())
        .isInstanceOf(EmbeddedServerException.class)
        .hasMessageContaining("Cassandra node exited with code")
        .hasMessageContaining("while starting")
        .hasMessageContaining("lines of ")
        .hasMessageContaining("concurrent_reads");
  }

  @Test
  void aBrokenKafkaConfigQuotesTheLog() {
    assertThatThrownBy(
            () -> EmbeddedKafka.builder().brokerProperty("num.io.threads", "many").start())
        .isInstanceOf(EmbeddedServerException.class)
        .hasMessageContaining("Kafka broker")
        .hasMessageContaining("exited with code")
        .hasMessageContaining("num.io.threads");
  }

  @Test
  void aBrokerThatNeverServesIsStoppedAtTheTimeout() {
    // it listens, but tells clients to go to a port where nothing listens: the produce/consume
    // never works
    assertThatThrownBy(
            () ->
                EmbeddedKafka.builder()
                    .startTimeout(Duration.ofSeconds(8))
                    .brokerProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:1")
                    .start())
        .isInstanceOf(EmbeddedServerException.class)
        .hasMessageContaining("Kafka broker was not ready within 8 s")
        .hasMessageContaining("last readiness check failed with");
  }
}
