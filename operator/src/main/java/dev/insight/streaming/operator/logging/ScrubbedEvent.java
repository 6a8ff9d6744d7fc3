package dev.insight.streaming.operator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.insight.streaming.operator.secrets.Redaction;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * A log event as the encoders see it: the same event with its message and its exceptions' messages
 * passed through {@link Redaction#scrub(String)}, so that no logger, ours or a library's, writes a
 * URI's password, a JAAS line or a password-like setting's value.
 */
final class ScrubbedEvent implements ILoggingEvent {

  private final ILoggingEvent event;

  ScrubbedEvent(ILoggingEvent event) {
    this.event = event;
  }

  @Override
  public String getMessage() {
    return Redaction.scrub(event.getFormattedMessage());
  }

  @Override
  public Object[] getArgumentArray() {
    return null; // the message is already formatted (and scrubbed)
  }

  @Override
  public String getFormattedMessage() {
    return Redaction.scrub(event.getFormattedMessage());
  }

  @Override
  public IThrowableProxy getThrowableProxy() {
    IThrowableProxy proxy = event.getThrowableProxy();
    return proxy == null ? null : new ScrubbedThrowable(proxy);
  }

  @Override
  public String getThreadName() {
    return event.getThreadName();
  }

  @Override
  public Level getLevel() {
    return event.getLevel();
  }

  @Override
  public String getLoggerName() {
    return event.getLoggerName();
  }

  @Override
  public LoggerContextVO getLoggerContextVO() {
    return event.getLoggerContextVO();
  }

  @Override
  public StackTraceElement[] getCallerData() {
    return event.getCallerData();
  }

  @Override
  public boolean hasCallerData() {
    return event.hasCallerData();
  }

  @Override
  public List<Marker> getMarkerList() {
    return event.getMarkerList();
  }

  @Override
  public Map<String, String> getMDCPropertyMap() {
    return event.getMDCPropertyMap();
  }

  @Override
  @SuppressWarnings("deprecation")
  public Map<String, String> getMdc() {
    return event.getMdc();
  }

  @Override
  public long getTimeStamp() {
    return event.getTimeStamp();
  }

  @Override
  public int getNanoseconds() {
    return event.getNanoseconds();
  }

  @Override
  public long getSequenceNumber() {
    return event.getSequenceNumber();
  }

  @Override
  public List<KeyValuePair> getKeyValuePairs() {
    return event.getKeyValuePairs();
  }

  @Override
  public void prepareForDeferredProcessing() {
    event.prepareForDeferredProcessing();
  }

  /** An exception of a log event, its message (and its causes') scrubbed. */
  private record ScrubbedThrowable(IThrowableProxy proxy) implements IThrowableProxy {

    @Override
    public String getMessage() {
      return Redaction.scrub(proxy.getMessage());
    }

    @Override
    public String getClassName() {
      return proxy.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return proxy.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return proxy.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return proxy.getCause() == null ? null : new ScrubbedThrowable(proxy.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = proxy.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] scrubbed = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        scrubbed[i] = new ScrubbedThrowable(suppressed[i]);
      }
      return scrubbed;
    }

    @Override
    public boolean isCyclic() {
      return proxy.isCyclic();
    }
  }
}
