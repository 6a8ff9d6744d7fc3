package dev.insight.streaming.local.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Whether this machine has the memory the demo needs, read from /proc/meminfo (Linux; elsewhere:
 * unknown).
 */
public final class MemoryCheck {

  /**
   * Kafka (512 MiB heap), Cassandra (0.7 to 1 GiB resident), the Spark driver (512 MiB heap plus
   * overhead) and this JVM (operator, API server): about 3 GiB, with room for the page cache the
   * servers lean on.
   */
  public static final long NEEDED_MIB = 3072;

  private MemoryCheck() {}

  /** Available memory in MiB, if this system says. */
  public static OptionalLong availableMib() {
    Path meminfo = Path.of("/proc/meminfo");
    if (!Files.isReadable(meminfo)) {
      return OptionalLong.empty();
    }
    try {
      return Files.readAllLines(meminfo).stream()
          .filter(l -> l.startsWith("MemAvailable:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024)
          .findFirst();
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * One line for the user when there is too little memory; null when there is enough (or nobody can
   * tell).
   */
  public static String problem(long neededMib) {
    OptionalLong available = availableMib();
    if (available.isPresent() && available.getAsLong() < neededMib) {
      return String.format(
          "the demo needs about %.1f GiB of free memory (Kafka, Cassandra, the Spark driver, the"
              + " operator) but this machine has %.1f GiB available; close something and try again",
          neededMib / 1024.0, available.getAsLong() / 1024.0);
    }
    return null;
  }
}
