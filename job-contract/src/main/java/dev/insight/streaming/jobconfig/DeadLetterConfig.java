package dev.insight.streaming.jobconfig;

import java.io.Serializable;

/** The Kafka topic malformed records go to, with their original bytes and the reason in headers. */
public record DeadLetterConfig(String topic) implements Serializable {

  void validate(Problems p) {
    p.matches("deadLetter.topic", topic, Problems.TOPIC, "a Kafka topic name");
  }
}
