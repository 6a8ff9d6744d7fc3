package dev.insight.streaming.operator.api.validation;

/** One thing wrong with a spec: the path of the field at fault and what to do about it. */
public record SpecProblem(String path, String message) {

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
