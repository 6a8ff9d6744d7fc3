package dev.insight.streaming.job.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job's progress as its own log tells it: the records of every finished batch, summed from the
 * line the job logs when a batch's rows are acknowledged and its offsets stored. The job's Kafka
 * commit would say the same, but Spark sends it only when it generates the next batch, up to a
 * whole batch interval later: at the resource's 5 s that blurs both ends of a measured window by
 * seconds. The log is read as it grows; a line not yet ended waits for its end.
 */
final class BatchLog implements AutoCloseable {

  private static final Pattern BATCH = Pattern.compile(" batch \\S+ records=(\\d+) ");

  private final InputStream in;
  private final StringBuilder line = new StringBuilder();
  private final byte[] buffer = new byte[64 * 1024];
  private long records;

  BatchLog(Path log) throws IOException {
    this.in = Files.newInputStream(log);
  }

  /** The records of the batches finished so far. */
  long records() throws IOException {
    int n;
    while ((n = in.read(buffer)) > 0) {
      String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n') {
          Matcher m = BATCH.matcher(line);
          if (m.find()) {
            records += Long.parseLong(m.group(1));
          }
          line.setLength(0);
        } else {
          line.append(c);
        }
      }
    }
    return records;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
