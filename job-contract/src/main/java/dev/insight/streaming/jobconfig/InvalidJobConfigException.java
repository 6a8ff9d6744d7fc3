package dev.insight.streaming.jobconfig;

import java.util.List;

/** A JobConfig document that cannot run, with every problem found, each naming its field. */
public final class InvalidJobConfigException extends RuntimeException {

  private final List<String> problems;

  public InvalidJobConfigException(List<String> problems) {
    super("invalid JobConfig: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code <field path>: <what is wrong>}. */
  public List<String> problems() {
    return problems;
  }
}
