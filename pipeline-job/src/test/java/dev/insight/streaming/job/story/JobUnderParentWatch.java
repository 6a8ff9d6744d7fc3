package dev.insight.streaming.job.story;

import dev.insight.streaming.job.PipelineJob;
import java.util.Optional;

/**
 * Runs the job in a child JVM that halts when its parent (the test JVM) goes away, so no job
 * outlives a test run.
 */
public final class JobUnderParentWatch {

  public static void main(String[] args) {
    haltWhenParentExits();
    PipelineJob.main(args);
  }

  /** Halts this JVM (exit 137) within a second of its parent's exit. */
  public static void haltWhenParentExits() {
    // polled rather than read from stdin: Process.destroy() closes the pipes before a graceful stop
    // is over
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    Thread watch =
        new Thread(
            () -> {
              while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
              Runtime.getRuntime().halt(137);
            },
            "parent-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
