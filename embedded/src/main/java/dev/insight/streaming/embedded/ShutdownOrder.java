package dev.insight.streaming.embedded;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this JVM stops when it exits (Ctrl-C, {@code System.exit}, the end of a test JVM), in order:
 * first what uses the servers (a local cluster with its pods, the demo), then the servers. The JVM
 * runs its own shutdown hooks all at once, so a hook per server would stop Kafka while a driver pod
 * is still storing its offsets there; the driver would then wait out its grace period and be
 * killed. One hook runs the stages here one after the other, the tasks of a stage side by side.
 */
public final class ShutdownOrder {

  /** The stages, in the order they stop. */
  public enum Stage {
    /** What uses the servers: clusters and their pods, the demo. */
    USERS,
    /** Server processes: Kafka, Cassandra, etcd, the API server, ... */
    SERVERS
  }

  /** A registered task; {@link #cancel()} when it was run or made moot before the JVM exits. */
  public interface Registration {
    void cancel();
  }

  private static final Map<Stage, Map<Object, Task>> TASKS = new EnumMap<>(Stage.class);
  private static boolean hookInstalled;
  private static boolean shuttingDown;

  private record Task(String name, Runnable run) {}

  private ShutdownOrder() {}

  /**
   * Runs {@code task} at the JVM's exit, in its stage.
   *
   * @throws IllegalStateException when the JVM is already shutting down, as {@link
   *     Runtime#addShutdownHook} does
   */
  public static synchronized Registration register(Stage stage, String name, Runnable task) {
    if (shuttingDown) {
      throw new IllegalStateException("the JVM is shutting down; cannot register " + name);
    }
    if (!hookInstalled) {
      Runtime.getRuntime().addShutdownHook(new Thread(ShutdownOrder::runAll, "shutdown-order"));
      hookInstalled = true;
    }
    Object key = new Object();
    TASKS.computeIfAbsent(stage, s -> new LinkedHashMap<>()).put(key, new Task(name, task));
    return () -> {
      synchronized (ShutdownOrder.class) {
        if (!shuttingDown) {
          TASKS.get(stage).remove(key);
        }
      }
    };
  }

  private static void runAll() {
    Map<Stage, List<Task>> stages = new EnumMap<>(Stage.class);
    synchronized (ShutdownOrder.class) {
      shuttingDown = true;
      TASKS.forEach((stage, tasks) -> stages.put(stage, new ArrayList<>(tasks.values())));
    }
    for (Stage stage : Stage.values()) {
      List<Thread> threads = new ArrayList<>();
      for (Task task : stages.getOrDefault(stage, List.of())) {
        Thread t = new Thread(task.run(), task.name());
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
