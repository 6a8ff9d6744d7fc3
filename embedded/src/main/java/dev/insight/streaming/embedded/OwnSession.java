package dev.insight.streaming.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts a child in a session of its own ({@code setsid}), as a container runtime starts a
 * container: a terminal's Ctrl-C signals its whole foreground process group, and would otherwise
 * stop Kafka, Cassandra, the control plane and every pod at the same moment as the demo, which
 * stops them itself, in order (pods first, while the servers they write to still run). setsid
 * replaces itself with the command (a child is no group leader), so the child keeps its PID. Where
 * setsid is missing the command runs as given.
 */
public final class OwnSession {

  private static final Path SETSID =
      Stream.of("/usr/bin/setsid", "/bin/setsid")
          .map(Path::of)
          .filter(Files::isExecutable)
          .findFirst()
          .orElse(null);

  private OwnSession() {}

  /** {@code command}, run in a new session where setsid exists. */
  public static List<String> of(List<String> command) {
    if (SETSID == null) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(command.size() + 1);
    wrapped.add(SETSID.toString());
    wrapped.addAll(command);
    return wrapped;
  }
}
