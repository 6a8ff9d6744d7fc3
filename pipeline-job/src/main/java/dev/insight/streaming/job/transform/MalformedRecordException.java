package dev.insight.streaming.job.transform;

/**
 * A record that cannot become a row; its message is the reason written to the dead-letter topic.
 */
public class MalformedRecordException extends Exception {

  public MalformedRecordException(String reason) {
    super(reason, null, false, false); // thrown per bad record: a stack trace would only cost time
  }
}
