package dev.insight.streaming.operator.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.insight.streaming.operator.logging.ScrubbingPatternEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every log line of this JVM (all loggers, formatted, with stack traces) while attached to the root
 * logger.
 */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<String> lines = new ArrayList<>();
  private ScrubbingPatternEncoder encoder;
  private Level rootLevelBefore;

  private CapturedLogs() {}

  /**
   * Attaches a capture that writes each line as the operator's own text encoder does (scrubbed),
   * with the root logger at {@code level} until closed: what the operator would print at that
   * level, pinned loggers included.
   */
  public static CapturedLogs attachAsWritten(Level level) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    CapturedLogs logs = new CapturedLogs();
    logs.encoder = new ScrubbingPatternEncoder();
    logs.encoder.setContext(root.getLoggerContext());
    logs.encoder.setPattern("%-5level %logger - %msg%n%ex");
    logs.encoder.start();
    logs.rootLevelBefore = root.getLevel();
    root.setLevel(level);
    logs.setContext(root.getLoggerContext());
    logs.setName("captured-logs-as-written");
    logs.start();
    root.addAppender(logs);
    return logs;
  }

  /** Attaches a new capture to the root logger. */
  public static CapturedLogs attach() {
    CapturedLogs logs = new CapturedLogs();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.setContext(root.getLoggerContext());
    logs.setName("captured-logs");
    logs.start();
    root.addAppender(logs);
    return logs;
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    if (encoder != null) {
      lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
      return;
    }
    StringBuilder line =
        new StringBuilder(
            event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage());
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.append('\n').append(ThrowableProxyUtil.asString(thrown));
    }
    lines.add(line.toString());
  }

  /** The lines captured so far. */
  public synchronized List<String> lines() {
    return new ArrayList<>(lines);
  }

  @Override
  public void close() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(this);
    if (rootLevelBefore != null) {
      root.setLevel(rootLevelBefore);
    }
    stop();
  }
}
