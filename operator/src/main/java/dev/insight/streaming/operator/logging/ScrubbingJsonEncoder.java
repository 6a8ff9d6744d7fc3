package dev.insight.streaming.operator.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** The operator's JSON log encoder: logback's JSON encoder over {@link ScrubbedEvent}s. */
public final class ScrubbingJsonEncoder extends JsonEncoder {

  @Override
  public byte[] encode(ILoggingEvent event) {
    return super.encode(new ScrubbedEvent(event));
  }
}
