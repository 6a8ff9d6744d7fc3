package dev.insight.streaming.job.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a benchmark side's JFR recording: the methods most often on top of the sampled Java
 * stacks (self time), and the share of samples by library (the top frame's package).
 *
 * <p>Usage: {@code JfrTopFrames <recording.jfr> [frames]}.
 */
public final class JfrTopFrames {

  private static final List<String[]> LIBRARIES =
      List.of(
          new String[] {"dev.insight.", "the job's own code"},
          new String[] {"com.fasterxml.jackson.", "Jackson"},
          new String[] {"org.bson.", "BSON"},
          new String[] {"com.mongodb.", "MongoDB driver"},
          new String[] {"org.apache.kafka.", "Kafka client"},
          new String[] {"org.apache.spark.", "Spark"},
          new String[] {"scala.", "Scala library"},
          new String[] {"com.datastax.", "Cassandra driver and connector"},
          new String[] {"io.netty.", "Netty"},
          new String[] {"ch.qos.logback.", "logging"},
          new String[] {"org.slf4j.", "logging"},
          new String[] {"java.", "JDK"},
          new String[] {"jdk.", "JDK"},
          new String[] {"sun.", "JDK"});

  public static void main(String[] args) throws IOException {
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Map<String, Integer> methods = new HashMap<>();
    Map<String, Integer> libraries = new HashMap<>();
    int samples = 0;
    Map<String, Integer> stacks = new HashMap<>();
    Map<String, Integer> compileMillis = new HashMap<>();
    int compiledMillis = 0;
    List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
    // -Djfr.from=0.5: only the second half of the recording (the benchmark's window, roughly)
    double from = Double.parseDouble(System.getProperty("jfr.from", "0"));
    java.time.Instant first =
        events.stream()
            .map(RecordedEvent::getStartTime)
            .min(java.util.Comparator.naturalOrder())
            .orElseThrow();
    java.time.Instant last =
        events.stream()
            .map(RecordedEvent::getStartTime)
            .max(java.util.Comparator.naturalOrder())
            .orElseThrow();
    java.time.Instant cutoff =
        first.plusMillis((long) (java.time.Duration.between(first, last).toMillis() * from));
    for (RecordedEvent event : events) {
      if (event.getStartTime().isBefore(cutoff)) {
        continue;
      }
      if (event.getEventType().getName().equals("jdk.Compilation")) {
        int millis = (int) event.getDuration().toMillis();
        jdk.jfr.consumer.RecordedMethod method = event.getValue("method");
        String type = method == null ? "?" : method.getType().getName();
        compileMillis.merge(library(type), millis, Integer::sum);
        compiledMillis += millis;
        continue;
      }
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      String thread =
          event.getThread("sampledThread") == null
              ? ""
              : event.getThread("sampledThread").getJavaName();
      if (args.length > 3 && (thread == null || !thread.startsWith(args[3]))) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      RecordedFrame frame = stack.getFrames().get(0);
      if (args.length > 2 && frame.getMethod().getType().getName().startsWith(args[2])) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < Math.min(14, stack.getFrames().size()); i++) {
          RecordedFrame f = stack.getFrames().get(i);
          path.append("\n    ")
              .append(f.getMethod().getType().getName())
              .append('.')
              .append(f.getMethod().getName());
        }
        stacks.merge(path.toString(), 1, Integer::sum);
      }
      String type = frame.getMethod().getType().getName();
      methods.merge(type + "." + frame.getMethod().getName(), 1, Integer::sum);
      libraries.merge(library(type), 1, Integer::sum);
      samples++;
    }
    System.out.printf("%s: %,d execution samples%n", args[0], samples);
    print("top frames (self)", methods, samples, top);
    print("by library (top frame)", libraries, samples, top);
    if (args.length > 2) {
      print("stacks under " + args[2], stacks, samples, 6);
    }
    System.out.printf("JIT compilations: %,d ms in all%n", compiledMillis);
    print("JIT compile time by library of the method", compileMillis, compiledMillis, top);
  }

  private static String library(String type) {
    for (String[] l : LIBRARIES) {
      if (type.startsWith(l[0])) {
        return l[1];
      }
    }
    return "other";
  }

  private static void print(String title, Map<String, Integer> counts, int samples, int top) {
    System.out.println("| " + title + " | share |");
    System.out.println("|---|---|");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                System.out.printf(
                    "| `%s` | %.1f%% |%n", e.getKey(), 100.0 * e.getValue() / samples));
  }
}
