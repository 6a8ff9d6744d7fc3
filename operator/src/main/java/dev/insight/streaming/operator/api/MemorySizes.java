package dev.insight.streaming.operator.api;

/**
 * Reads the spec's memory strings ({@link Formats#MEMORY}: Spark's k/m/g/t or Kubernetes'
 * Ki/Mi/Gi/Ti).
 */
public final class MemorySizes {

  private MemorySizes() {}

  /**
   * Size in bytes; both unit families are binary (Spark's {@code 1g} is 1024^3 bytes, as is {@code
   * 1Gi}).
   */
  public static long bytes(String text) {
    if (text == null || !text.matches(Formats.MEMORY)) {
      throw new IllegalArgumentException("not a memory size like 512m, 1g, 2Gi: " + text);
    }
    String unit = text.replaceAll("^[0-9]+", "");
    long amount = Long.parseLong(text.substring(0, text.length() - unit.length()));
    int shift =
        switch (unit.substring(0, 1).toLowerCase()) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 40;
        };
    return Math.multiplyExact(amount, 1L << shift);
  }

  /** sparkConf keys that size the driver container beyond its heap, read as Spark reads them. */
  public static final String DRIVER_OVERHEAD_KEY = "spark.driver.memoryOverhead";

  public static final String DRIVER_OVERHEAD_FACTOR_KEY = "spark.driver.memoryOverheadFactor";

  /**
   * A Spark size setting such as spark.driver.memoryOverhead: a number, MiB unless a unit (k, m, g,
   * t, optionally with b) follows.
   */
  private static final String SPARK_MEBIBYTES = "(?i)^[0-9]{1,9}(k|kb|m|mb|g|gb|t|tb)?$";

  /**
   * A Spark size setting read as Spark reads spark.driver.memoryOverhead: in MiB when it has no
   * unit, rounded down to whole MiB when its unit is k.
   */
  public static long sparkMebibytes(String text) {
    if (text == null || !text.trim().matches(SPARK_MEBIBYTES)) {
      throw new IllegalArgumentException("not a Spark size like 512, 512m or 1g: " + text);
    }
    String lower = text.trim().toLowerCase();
    String unit = lower.replaceAll("^[0-9]+", "");
    long amount = Long.parseLong(lower.substring(0, lower.length() - unit.length()));
    return switch (unit.isEmpty() ? "m" : unit.substring(0, 1)) {
      case "k" -> amount >> 10;
      case "m" -> amount;
      case "g" -> amount << 10;
      default -> amount << 20;
    };
  }

  /**
   * Size in whole mebibytes, the unit Spark settings such as spark.driver.memory take without a
   * suffix.
   */
  public static long mebibytes(String text) {
    return bytes(text) >> 20;
  }
}
