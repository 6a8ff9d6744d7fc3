package dev.insight.streaming.embedded;

/** Start failures: message names the server and cause and includes the last lines of its log. */
public class EmbeddedServerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public EmbeddedServerException(String message) {
    super(message);
  }

  public EmbeddedServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
