package dev.insight.streaming.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Main class of every server child JVM: runs the server's own main and halts the JVM as soon as the
 * parent is gone.
 *
 * <p>A shutdown hook in the parent does not run when the parent is killed with SIGKILL or crashes,
 * so the child watches for itself: its standard input is a pipe held only by the parent, which the
 * kernel closes when the parent dies for any reason; the parent's PID is polled as well in case
 * something else holds the pipe open.
 *
 * <p>This class is copied as a lone class file onto the child's classpath, so it must use the JDK
 * only and compile to a single class file (lambdas are fine, anonymous or nested classes are not).
 */
public final class ParentWatchdog {

  /** System property: PID of the JVM that launched this child. */
  public static final String PARENT_PID = "embedded.parent.pid";

  /** System property: folder deleted when the parent vanished, since no one else will delete it. */
  public static final String ORPHAN_DIR = "embedded.orphan.dir";

  private ParentWatchdog() {}

  /** Arguments: the server's main class, then its arguments. */
  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      throw new IllegalArgumentException(
          "usage: ParentWatchdog <server main class> [server args...]");
    }
    long parentPid = Long.parseLong(System.getProperty(PARENT_PID, "-1"));
    startDaemon(
        "parent-stdin-watchdog",
        () -> {
          try (InputStream in = System.in) {
            while (in.read() >= 0) {
              // the parent never writes; any byte is ignored, only end of stream matters
            }
          } catch (IOException e) {
            // a broken pipe means the same as end of stream
          }
          orphaned("its standard input closed");
        });
    if (parentPid > 0) {
      startDaemon(
          "parent-pid-watchdog",
          () -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
              try {
                Thread.sleep(1000);
              } catch (InterruptedException e) {
                return;
              }
            }
            orphaned("process " + parentPid + " is gone");
          });
    }
    try {
      Class.forName(args[0])
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void startDaemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void orphaned(String why) {
    System.err.println("[watchdog] parent JVM vanished (" + why + "): halting this server");
    System.err.flush();
    String dir = System.getProperty(ORPHAN_DIR);
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(Path.of(dir))) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | RuntimeException e) {
        // best effort: the JVM halts regardless
      }
    }
    // halt, not exit: the server's shutdown hooks could block, and there is no one left to wait for
    // them
    Runtime.getRuntime().halt(3);
  }
}
