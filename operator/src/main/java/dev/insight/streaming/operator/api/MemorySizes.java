package dev.insight.streaming.operator.api;

/** Reads the spec's memory strings ({@link Formats#MEMORY}: Spark's k/m/g/t or Kubernetes' Ki/Mi/Gi/Ti). */
public final class MemorySizes {

    private MemorySizes() {
    }

    /** Size in bytes; both unit families are binary (Spark's {@code 1g} is 1024^3 bytes, as is {@code 1Gi}). */
    public static long bytes(String text) {
        if (text == null || !text.matches(Formats.MEMORY)) {
            throw new IllegalArgumentException("not a memory size like 512m, 1g, 2Gi: " + text);
        }
        String unit = text.replaceAll("^[0-9]+", "");
        long amount = Long.parseLong(text.substring(0, text.length() - unit.length()));
        int shift = switch (unit.substring(0, 1).toLowerCase()) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 40;
        };
        return Math.multiplyExact(amount, 1L << shift);
    }

    /** Size in whole mebibytes, the unit Spark settings such as spark.driver.memory take without a suffix. */
    public static long mebibytes(String text) {
        return bytes(text) >> 20;
    }
}
