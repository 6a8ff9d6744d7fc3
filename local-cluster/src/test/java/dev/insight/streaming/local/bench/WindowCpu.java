package dev.insight.streaming.local.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The CPU time a run's parts use over the benchmark's window, as the kernel accounts it (user plus
 * system): each part is read when the window opens, at every poll inside it, and when it closes. A
 * part that appears inside the window counts from its first reading, one that vanishes inside it up
 * to its last. Parts are grouped (driver, executors); a JVM is read from {@code /proc/PID/stat}
 * (where there is none, from {@link ProcessHandle.Info#totalCpuDuration()}), a thread of this JVM
 * from {@link ThreadMXBean}.
 */
final class WindowCpu {

  static final String DRIVER = "driver";
  static final String EXECUTORS = "executors";

  // USER_HZ, the unit of the times in /proc/PID/stat on Linux
  private static final long TICKS_PER_SECOND = 100;
  private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

  /**
   * A part: its group and its identity (a JVM's pid and start time, so a reused pid is another).
   */
  private record Part(String group, String id) {}

  /** The CPU seconds a run's groups used per million records over the window. */
  record Figures(
      Map<String, Double> perMillion, String kind, int parts, int startedInside, int endedInside) {

    double total() {
      return perMillion.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** NaN for a group this run does not have. */
    double of(String group) {
      return perMillion.getOrDefault(group, Double.NaN);
    }

    @Override
    public String toString() {
      String text = String.format("CPU %.1f s per million records", total());
      if (perMillion.size() > 1) {
        text +=
            perMillion.entrySet().stream()
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ", " (", ")"));
      }
      text += String.format(", %d %s%s read", parts, kind, parts == 1 ? "" : "s");
      if (startedInside > 0 || endedInside > 0) {
        text +=
            String.format(
                "; %d started and %d ended inside the window", startedInside, endedInside);
      }
      return text;
    }
  }

  private final List<String> groups;
  private final String kind;
  private final Supplier<Map<Part, Long>> readings;
  private final Map<Part, Long> first = new LinkedHashMap<>();
  private final Map<Part, Long> last = new HashMap<>();
  private boolean open;
  private int atOpen;

  private WindowCpu(List<String> groups, String kind, Supplier<Map<Part, Long>> readings) {
    this.groups = groups;
    this.kind = kind;
    this.readings = readings;
  }

  /** One JVM that is the driver and runs the tasks too (Spark's local master). */
  static WindowCpu ofJvm(ProcessHandle jvm) {
    return new WindowCpu(
        List.of(DRIVER),
        "JVM",
        () -> {
          Map<Part, Long> now = new LinkedHashMap<>();
          read(jvm, DRIVER, now);
          return now;
        });
  }

  /**
   * The JVMs {@code driver} and {@code executors} list at each reading (either may list none, or
   * other ones later).
   */
  static WindowCpu ofJvms(
      Supplier<List<ProcessHandle>> driver, Supplier<List<ProcessHandle>> executors) {
    return new WindowCpu(
        List.of(DRIVER, EXECUTORS),
        "JVM",
        () -> {
          Map<Part, Long> now = new LinkedHashMap<>();
          driver.get().forEach(jvm -> read(jvm, DRIVER, now));
          executors.get().forEach(jvm -> read(jvm, EXECUTORS, now));
          return now;
        });
  }

  /** One thread of this JVM, as {@code group}. */
  static WindowCpu ofThread(String group, Thread thread) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Part part = new Part(group, "thread " + thread.getId());
    return new WindowCpu(
        List.of(group),
        "thread",
        () -> {
          long nanos = threads.getThreadCpuTime(thread.getId());
          return nanos < 0 ? Map.of() : Map.of(part, nanos);
        });
  }

  /** Puts the JVM's user plus system CPU time so far, in nanoseconds, unless it is gone. */
  private static void read(ProcessHandle jvm, String group, Map<Part, Long> into) {
    if (!PROC) {
      ProcessHandle.Info info = jvm.info();
      info.totalCpuDuration()
          .ifPresent(
              cpu ->
                  into.put(
                      new Part(group, jvm.pid() + "@" + info.startInstant().orElse(null)),
                      cpu.toNanos()));
      return;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(jvm.pid()), "stat"));
      // the fields after "(comm) ": state is [0], utime [11], stime [12], starttime [19]
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      into.put(new Part(group, jvm.pid() + "@" + f[19]), ticks * 1_000_000_000L / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      // ended and reaped between listing and reading: its last reading stands
    }
  }

  /** Opens the window: every part's reading now is its start. */
  void open() {
    open = true;
    sample();
    atOpen = first.size();
  }

  /** Reads every part, inside the window; nothing before it opens. */
  void sample() {
    if (open) {
      record(readings.get());
    }
  }

  /** Closes the window and divides each group's CPU time by the {@code records} inside it. */
  Figures close(long records) {
    Map<Part, Long> atClose = readings.get();
    record(atClose);
    open = false;
    Map<String, Double> perMillion = new LinkedHashMap<>();
    groups.forEach(g -> perMillion.put(g, 0.0));
    first.forEach(
        (part, start) ->
            perMillion.merge(
                part.group(),
                Math.max(0, last.get(part) - start) / 1e9 / (records / 1e6),
                Double::sum));
    int ended = (int) first.keySet().stream().filter(p -> !atClose.containsKey(p)).count();
    return new Figures(perMillion, kind, first.size(), first.size() - atOpen, ended);
  }

  private void record(Map<Part, Long> now) {
    now.forEach(
        (part, nanos) -> {
          first.putIfAbsent(part, nanos);
          last.put(part, nanos);
        });
  }
}
