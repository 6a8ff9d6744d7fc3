package dev.insight.streaming.operator.secrets;

/**
 * A pipeline's connection setting that the operator will not use for its own connections, because
 * it would make the operator read local credentials or files, load code, or fetch tokens. The
 * message says which setting and what is accepted; it never holds a secret value.
 */
public final class RefusedSettingException extends RuntimeException {

  public RefusedSettingException(String message) {
    super(message);
  }
}
