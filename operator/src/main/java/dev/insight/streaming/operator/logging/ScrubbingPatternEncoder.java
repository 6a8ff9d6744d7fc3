package dev.insight.streaming.operator.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** The operator's text log encoder: logback's pattern encoder over {@link ScrubbedEvent}s. */
public final class ScrubbingPatternEncoder extends PatternLayoutEncoder {

  @Override
  public byte[] encode(ILoggingEvent event) {
    return super.encode(new ScrubbedEvent(event));
  }
}
