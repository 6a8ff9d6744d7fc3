package dev.insight.streaming.job.transform;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A projected record's values in the configured field order, read-only: one array per record beside
 * names shared by every record, instead of a hash map per record. Sinks read it by position ({@link
 * #name(int)}, {@link #value(int)}); as a {@link Map} it is keyed by output name.
 */
public final class FieldValues extends AbstractMap<String, Object> {

  private final String[] names;
  private final Object[] values;

  FieldValues(String[] names, Object[] values) {
    this.names = names;
    this.values = values;
  }

  /** The number of fields. */
  public int count() {
    return names.length;
  }

  /** The output name of the field at {@code index}. */
  public String name(int index) {
    return names[index];
  }

  /** The value of the field at {@code index} (String, Long, Double, Boolean, Instant or null). */
  public Object value(int index) {
    return values[index];
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i >= 0 ? values[i] : null;
  }

  private int indexOf(Object key) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return names.length;
      }

      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < names.length;
          }

          @Override
          public Entry<String, Object> next() {
            if (next >= names.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(names[i], values[i]);
          }
        };
      }
    };
  }
}
