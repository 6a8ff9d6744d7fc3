package dev.insight.streaming.local.demo;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends sample events ({@code id}, {@code kind}, {@code amount}, {@code at}, JSON, keyed by id) to a topic at a
 * steady rate, in ten slices a second; it can pause and resume, and counts what Kafka acknowledged.
 */
public final class EventProducer implements AutoCloseable {

  private static final String[] KINDS = {"view", "click", "cart", "purchase"};
  private static final int SLICES_PER_SECOND = 10;

  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final int ratePerSecond;
  private final long limit;
  private final String idPrefix;
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "event-producer");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean paused;
  private volatile Instant pausedAt;
  private double carry;

  /**
   * @param limit stop (pause) after this many events; 0 for no limit
   * @param idPrefix starts every event's id; ids repeat across producers with one prefix, and the sinks upsert
   */
  public EventProducer(String bootstrapServers, String topic, int ratePerSecond, long limit, String idPrefix) {
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.CLIENT_ID_CONFIG, "demo-producer"), new StringSerializer(), new StringSerializer());
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
    if (paused) {
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
      String json = String.format(Locale.ROOT, "{\"id\":\"%s\",\"kind\":\"%s\",\"amount\":%.2f,\"at\":\"%s\"}", id,
          KINDS[(int) (seq % KINDS.length)], (seq % 10_000) / 100.0, Instant.now());
      producer.send(new ProducerRecord<>(topic, id, json), (meta, error) -> {
        if (error == null) {
          acknowledged.incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
      });
    }
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
