package dev.insight.streaming.job.transform;

import java.util.Map;

/**
 * The plug-in interface for custom transforms, named by {@code transform.customClass} and loaded by
 * class name from the job's classpath (public no-argument constructor; one instance per Spark task,
 * so no thread-safety needed).
 *
 * <p>It runs after projection: {@code fields} holds the projected, converted values (String, Long,
 * Double, Boolean, java.time.Instant or null) keyed by output name. It returns the fields to write
 * (the same map changed, or a new one with values of those types); the row id is computed from the
 * returned map's key fields afterwards. To reject a record, throw {@link MalformedRecordException}:
 * the record goes to the dead-letter topic with that reason.
 */
public interface RecordTransform {

  /** The fields to write for one record. */
  Map<String, Object> apply(Map<String, Object> fields, SourceRecord source)
      throws MalformedRecordException;
}
