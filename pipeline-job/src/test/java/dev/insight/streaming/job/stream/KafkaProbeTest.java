package dev.insight.streaming.job.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The probe gives up when asked to: the per-batch lag figure never holds a batch for Kafka's 30 s.
 */
class KafkaProbeTest {

  @Test
  void aShortWaitForEndOffsetsEndsWithAClearFailureWhenNoBrokerAnswers() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    long started = System.nanoTime();
    try (KafkaProbe probe = new KafkaProbe("127.0.0.1:" + closed, Map.of())) {
      assertThatThrownBy(
              () -> probe.latest(List.of(new TopicPartition("t", 0)), Duration.ofMillis(300)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Kafka did not answer within 300 ms");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("the call and closing the probe, well short of the 30 s the other calls wait")
        .isLessThan(Duration.ofSeconds(20));
  }
}
