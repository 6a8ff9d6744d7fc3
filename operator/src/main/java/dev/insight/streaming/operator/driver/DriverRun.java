package dev.insight.streaming.operator.driver;

import java.security.SecureRandom;

/**
 * One start of a pipeline's driver pod: a short random id, fresh for every pod the operator
 * creates, which names the Spark application ({@code spark.app.id}) and prefixes its executors' pod
 * names.
 *
 * @param id eight characters of a-z and 0-9
 */
public record DriverRun(String id) {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  public DriverRun {
    if (!id.matches("[a-z0-9]{8}")) {
      throw new IllegalArgumentException("a driver run id is 8 of a-z, 0-9: " + id);
    }
  }

  /** A new run. */
  public static DriverRun next() {
    StringBuilder id = new StringBuilder(8);
    for (int i = 0; i < 8; i++) {
      id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return new DriverRun(id.toString());
  }

  /** The Spark application id of this run, as Spark labels the run's executors with it. */
  public String applicationId() {
    return "spark-" + id;
  }
}
