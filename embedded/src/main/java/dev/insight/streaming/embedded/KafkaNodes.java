package dev.insight.streaming.embedded;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a single broker ({@link EmbeddedKafka}) and a cluster's nodes ({@link EmbeddedKafkaCluster})
 * share: the JVM options, the logging set-up, the storage format step and the properties file.
 */
final class KafkaNodes {

  private KafkaNodes() {}

  /**
   * The child JVM's options. C1 only and the serial collector: on 2 busy cores start-up is
   * CPU-bound, and the broker's hot paths (sendfile, CRC intrinsics) barely use the JIT; an extra
   * {@code -XX:TieredStopAtLevel=4} undoes it.
   */
  static List<String> jvmOptions(String minHeap, String maxHeap, Path log4j, List<String> extra) {
    List<String> options =
        new ArrayList<>(
            List.of(
                "-Xms" + minHeap,
                "-Xmx" + maxHeap,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4j.toUri(),
                // the broker logs through slf4j-simple (see classpaths/kafka-broker), to stderr,
                // into kafka.log
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.log.kafka.request.logger=warn",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.controller=warn"));
    options.addAll(extra);
    return options;
  }

  /**
   * The node's log folder inside its data folder; the storage format leaves meta.properties in it.
   */
  static Path logDir(Path dir) {
    return dir.resolve("kraft-logs");
  }

  /**
   * Formats the node's storage unless a node already ran in the folder (a restart, or a retry after
   * a lost port race): formatting it again would be refused, as its cluster id is another one.
   */
  static void formatUnlessFormatted(
      String server,
      Path java,
      List<Path> classpath,
      List<String> options,
      Path properties,
      Path dir,
      boolean temporary,
      Path logFile,
      String clusterId,
      List<String> formatOptions,
      Duration timeout) {
    if (Files.exists(logDir(dir).resolve("meta.properties"))) {
      return;
    }
    List<String> args =
        new ArrayList<>(
            List.of("format", "--cluster-id=" + clusterId, "-c", properties.toString()));
    args.addAll(formatOptions);
    ChildProcess.runToCompletion(
        new ChildProcess.Launch(
            server + " (storage format)",
            java,
            classpath,
            options,
            "kafka.tools.StorageTool",
            args,
            dir,
            temporary,
            logFile),
        timeout);
  }

  /** {@code server.properties} text. */
  static String propertiesText(String writer, Map<String, String> config) {
    StringBuilder text = new StringBuilder("# written by " + writer + "\n");
    config.forEach(
        (key, value) ->
            text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
    return text.toString();
  }

  /**
   * KRaft cluster ids are 16 random bytes in URL-safe base64 without padding. One in 64 starts with
   * '-', which the storage tool would take for an option if it stood on its own: it is passed as
   * {@code --cluster-id=<id>}.
   */
  static String clusterId() {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes =
        ByteBuffer.allocate(16)
            .putLong(uuid.getMostSignificantBits())
            .putLong(uuid.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /** For the few classes that log through log4j2 directly. */
  static final String LOG4J2_CONFIG =
      """
            status = warn
            appender.console.type = Console
            appender.console.name = STDOUT
            appender.console.layout.type = PatternLayout
            appender.console.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = INFO
            rootLogger.appenderRef.stdout.ref = STDOUT
            # the request logger and the controller's per-record logs drown what explains a failure
            logger.request.name = kafka.request.logger
            logger.request.level = WARN
            logger.controller.name = org.apache.kafka.controller
            logger.controller.level = WARN
            """;
}
