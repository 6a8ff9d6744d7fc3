package dev.insight.streaming.embedded;

import java.util.Set;
import java.util.stream.Collectors;

/** The live child JVMs of this test JVM, to prove a test left none behind. */
final class ChildProcesses {

  private ChildProcesses() {}

  static Set<Long> alive() {
    return ProcessHandle.current()
        .descendants()
        .filter(ProcessHandle::isAlive)
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
