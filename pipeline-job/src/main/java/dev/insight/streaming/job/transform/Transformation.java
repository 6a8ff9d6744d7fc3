package dev.insight.streaming.job.transform;

import dev.insight.streaming.jobconfig.TransformConfig;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one Kafka record into one row: JSON projection, then the optional plug-in, then the
 * deterministic id. Not thread-safe: each task builds its own ({@link #of}).
 */
public final class Transformation {

  private final JsonProjection projection;
  private final RecordTransform custom;
  private final List<String> keyFields;

  private Transformation(
      JsonProjection projection, RecordTransform custom, List<String> keyFields) {
    this.projection = projection;
    this.custom = custom;
    this.keyFields = keyFields;
  }

  /**
   * Builds the transformation for a config, loading the plug-in class from the thread's context
   * class loader.
   */
  public static Transformation of(TransformConfig config) {
    RecordTransform custom = config.customClass() == null ? null : load(config.customClass());
    return new Transformation(new JsonProjection(config.fields()), custom, config.keyFields());
  }

  /** True when rows are keyed by fields, so that many records can write one row. */
  public boolean keyed() {
    return !keyFields.isEmpty();
  }

  /** The row for a record. */
  public SinkRow apply(SourceRecord record) throws MalformedRecordException {
    Map<String, Object> fields = projection.project(record.value());
    if (custom != null) {
      try {
        // the plug-in may change the map it is given
        fields = custom.apply(new LinkedHashMap<>(fields), record);
      } catch (MalformedRecordException e) {
        throw e;
      } catch (RuntimeException e) {
        // a plug-in bug on one record must not stop the stream: the record goes to the dead-letter
        // topic
        throw new MalformedRecordException("custom transform failed: " + e);
      }
      if (fields == null) {
        throw new MalformedRecordException("custom transform returned no fields");
      }
    }
    return new SinkRow(id(fields, record), fields, RowVersion.of(record));
  }

  private String id(Map<String, Object> fields, SourceRecord record)
      throws MalformedRecordException {
    if (keyFields.isEmpty()) {
      return record.coordinates();
    }
    if (keyFields.size() == 1) {
      return keyValue(fields, keyFields.get(0));
    }
    StringBuilder id = new StringBuilder();
    for (String key : keyFields) {
      if (id.length() > 0) {
        id.append('/');
      }
      // escaped so that ("a/b", "c") and ("a", "b/c") get different ids
      id.append(keyValue(fields, key).replace("\\", "\\\\").replace("/", "\\/"));
    }
    return id.toString();
  }

  private static String keyValue(Map<String, Object> fields, String key)
      throws MalformedRecordException {
    Object value = fields.get(key);
    if (value == null) {
      throw new MalformedRecordException("key field '" + key + "' is missing");
    }
    String text = value.toString();
    if (text.isEmpty()) {
      throw new MalformedRecordException("key field '" + key + "' is empty");
    }
    return text;
  }

  private static RecordTransform load(String className) {
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> type =
          Class.forName(
              className, true, loader != null ? loader : Transformation.class.getClassLoader());
      if (!RecordTransform.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(
            "transform.customClass "
                + className
                + " does not implement "
                + RecordTransform.class.getName());
      }
      return (RecordTransform) type.getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "transform.customClass " + className + " is not on the job's classpath", e);
    } catch (NoSuchMethodException
        | InstantiationException
        | IllegalAccessException
        | InvocationTargetException e) {
      throw new IllegalArgumentException(
          "transform.customClass "
              + className
              + " cannot be created with a public no-argument constructor: "
              + e,
          e);
    }
  }
}
