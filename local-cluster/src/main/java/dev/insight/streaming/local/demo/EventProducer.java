package dev.insight.streaming.local.demo;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends sample events ({@code id}, {@code kind}, {@code amount}, {@code at}, JSON, keyed by id) to
 * a topic at a steady rate, in ten slices a second; it can pause and resume, and counts what Kafka
 * acknowledged.
 *
 * <p>It sends nothing until the topic exists: a producer's first send to a missing topic makes a
 * broker with {@code auto.create.topics.enable} create it with the broker's default of one
 * partition, the operator then only raises the count, and the producer keeps writing to partition 0
 * until its metadata expires (5 minutes). Waiting lets the operator create the topic with the
 * partitions the pipeline asks for, so the keys spread over all of them.
 */
public final class EventProducer implements AutoCloseable {

  private static final String[] KINDS = {"view", "click", "cart", "purchase"};
  private static final int SLICES_PER_SECOND = 10;

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final int ratePerSecond;
  private final long limit;
  private final String idPrefix;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "event-producer");
            t.setDaemon(true);
            return t;
          });
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean paused;
  private volatile Instant pausedAt;
  private volatile boolean topicExists;
  private final String bootstrapServers;
  private double carry;

  /**
   * @param limit stop (pause) after this many events; 0 for no limit
   * @param idPrefix starts every event's id; ids repeat across producers with one prefix, and the
   *     sinks upsert
   */
  public EventProducer(
      String bootstrapServers, String topic, int ratePerSecond, long limit, String idPrefix) {
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.CLIENT_ID_CONFIG,
                "demo-producer"),
            new StringSerializer(),
            new StringSerializer());
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.ratePerSecond = ratePerSecond;
    this.limit = limit;
    this.idPrefix = idPrefix;
  }

  public EventProducer start() {
    ticker.scheduleAtFixedRate(this::slice, 0, 1000 / SLICES_PER_SECOND, TimeUnit.MILLISECONDS);
    return this;
  }

  private void slice() {
    if (paused || !topicExists()) {
      return;
    }
    carry += (double) ratePerSecond / SLICES_PER_SECOND;
    int n = (int) carry;
    carry -= n;
    for (int i = 0; i < n; i++) {
      if (limit > 0 && sent.get() >= limit) {
        pause();
        producer.flush();
        return;
      }
      long seq = sent.incrementAndGet();
      String id = idPrefix + seq;
      String json =
          String.format(
              Locale.ROOT,
              "{\"id\":\"%s\",\"kind\":\"%s\",\"amount\":%.2f,\"at\":\"%s\"}",
              id,
              KINDS[(int) (seq % KINDS.length)],
              (seq % 10_000) / 100.0,
              Instant.now());
      producer.send(
          new ProducerRecord<>(topic, id, json),
          (meta, error) -> {
            if (error == null) {
              acknowledged.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          });
    }
  }

  /**
   * Whether the topic exists yet; asked of Kafka (through a short-lived Admin client) until it
   * does.
   */
  private boolean topicExists() {
    if (!topicExists) {
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrapServers,
                  AdminClientConfig.CLIENT_ID_CONFIG,
                  "demo-producer-topic-check",
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                  2000,
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                  2000))) {
        topicExists = admin.listTopics().names().get(2, TimeUnit.SECONDS).contains(topic);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // Kafka not answering yet: ask again on the next slice
      }
    }
    return topicExists;
  }

  /** False until the topic exists; the producer sends nothing before. */
  public boolean sending() {
    return topicExists;
  }

  public void pause() {
    if (!paused) {
      pausedAt = Instant.now();
      paused = true;
    }
  }

  public void resume() {
    pausedAt = null;
    paused = false;
  }

  public void toggle() {
    if (paused) {
      resume();
    } else {
      pause();
    }
  }

  public boolean paused() {
    return paused;
  }

  /** When the producer last paused; null while it runs. */
  public Instant pausedAt() {
    return pausedAt;
  }

  public long sent() {
    return sent.get();
  }

  public long acknowledged() {
    return acknowledged.get();
  }

  public long failed() {
    return failed.get();
  }

  public int ratePerSecond() {
    return ratePerSecond;
  }

  public String topic() {
    return topic;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
