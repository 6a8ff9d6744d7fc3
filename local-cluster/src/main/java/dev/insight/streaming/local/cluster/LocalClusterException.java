package dev.insight.streaming.local.cluster;

/** The local cluster could not do what was asked; the message is one line a user can act on. */
public final class LocalClusterException extends RuntimeException {

  public LocalClusterException(String message) {
    super(message);
  }

  public LocalClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
