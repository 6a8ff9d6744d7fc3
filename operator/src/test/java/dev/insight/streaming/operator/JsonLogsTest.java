package dev.insight.streaming.operator;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * --log-format json (logback-json.xml): one JSON object per line, and the MongoDB driver's settings
 * dump stays off.
 */
class JsonLogsTest {

  @Test
  void jsonConfigurationWritesOneJsonObjectPerEvent() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(getClass().getClassLoader().getResource("logback-json.xml"));
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      @SuppressWarnings("unchecked")
      OutputStreamAppender<ILoggingEvent> stdout =
          (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDOUT");
      LoggingEvent event =
          new LoggingEvent(
              Logger.class.getName(),
              context.getLogger("dev.insight.test"),
              Level.WARN,
              "topic {} \"quoted\" at {}",
              null,
              new Object[] {"orders", "mongodb://app:pw-in-uri@db:27017"});

      String line = new String(stdout.getEncoder().encode(event), StandardCharsets.UTF_8).trim();

      assertThat(line).doesNotContain("\n");
      JsonNode json = new ObjectMapper().readTree(line);
      assertThat(json.get("level").asText()).isEqualTo("WARN");
      assertThat(json.get("loggerName").asText()).isEqualTo("dev.insight.test");
      // formatted and scrubbed: arguments are not written apart, where no scrubber would see them
      assertThat(json.get("message").asText())
          .isEqualTo("topic orders \"quoted\" at mongodb://***@db:27017");
      assertThat(line).doesNotContain("pw-in-uri");
      assertThat(context.getLogger("org.mongodb.driver.client").isInfoEnabled()).isFalse();
    } finally {
      context.stop();
    }
  }
}
