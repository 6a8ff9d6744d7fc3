package dev.insight.streaming.local.pods;

import dev.insight.streaming.local.cluster.LocalClusterException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the job image holds, on this machine: a Java executable and the pipeline job's runtime jars,
 * recorded at build time by {@code local-cluster/job-classpath} so that Spark never joins this
 * JVM's classpath.
 *
 * @param java the Java executable child JVMs run on
 * @param classpath the job's jars, the pipeline-job jar among them
 */
public record JobRuntime(Path java, List<Path> classpath) {

  static final String RESOURCE = "META-INF/streaming-pipeline/pipeline-job.classpath";

  public JobRuntime {
    classpath = List.copyOf(classpath);
  }

  /** The recorded classpath, checked: every jar must exist. */
  public static JobRuntime recorded() {
    String text;
    try (InputStream in = JobRuntime.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new LocalClusterException(
            RESOURCE
                + " is not on the classpath: build local-cluster/job-classpath"
                + " (./mvnw install -pl local-cluster/job-classpath)");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new LocalClusterException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
    List<Path> jars = new ArrayList<>();
    for (String entry : text.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        Path jar = Path.of(entry.strip());
        if (!Files.exists(jar)) {
          throw new LocalClusterException(
              "the job's jar "
                  + jar
                  + " recorded in "
                  + RESOURCE
                  + " is gone; rebuild"
                  + " with ./mvnw install -pl pipeline-job,local-cluster/job-classpath");
        }
        jars.add(jar);
      }
    }
    if (jars.isEmpty()) {
      throw new LocalClusterException(RESOURCE + " is empty; rebuild local-cluster/job-classpath");
    }
    return new JobRuntime(Path.of(System.getProperty("java.home"), "bin", "java"), jars);
  }
}
