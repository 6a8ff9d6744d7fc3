package dev.insight.streaming.job;

import java.io.Serializable;
import java.util.function.Function;

/**
 * Where a JVM of the job reads its credentials: variable name to value. Tasks carry the function,
 * never a value, and apply it where they run, so on an executor it reads that executor pod's own
 * environment.
 */
@FunctionalInterface
public interface Environment extends Function<String, String>, Serializable {

  /** The running JVM's environment: the job's source of credentials in every pod. */
  static Environment system() {
    return System::getenv;
  }
}
