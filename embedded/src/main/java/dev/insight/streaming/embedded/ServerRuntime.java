package dev.insight.streaming.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The jars of one server, as recorded at build time by its {@code classpaths/*} module. */
final class ServerRuntime {

  private static final String RESOURCE_FOLDER = "META-INF/streaming-pipeline/";

  private ServerRuntime() {}

  /**
   * Reads {@code META-INF/streaming-pipeline/<runtime>.classpath} and checks that every jar it
   * names exists.
   *
   * @param server the server's name for error messages
   * @param runtime the resource's base name, which is also the module under {@code classpaths/}
   */
  static List<Path> classpath(String server, String runtime) {
    String resource = RESOURCE_FOLDER + runtime + ".classpath";
    String recorded;
    try (InputStream in = ServerRuntime.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new EmbeddedServerException(
            server
                + ": resource "
                + resource
                + " is not on the classpath;"
                + " add the dependency dev.insight.streaming:"
                + runtime
                + "-runtime (with all its own"
                + " dependencies excluded) and build classpaths/"
                + runtime);
      }
      recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new EmbeddedServerException(server + ": cannot read " + resource + ": " + e, e);
    }
    List<Path> jars = new ArrayList<>();
    List<Path> missing = new ArrayList<>();
    for (String entry : recorded.split(java.io.File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path jar = Path.of(entry.trim());
      jars.add(jar);
      if (!Files.isReadable(jar)) {
        missing.add(jar);
      }
    }
    if (jars.isEmpty()) {
      throw new EmbeddedServerException(
          server + ": " + resource + " is empty; rebuild classpaths/" + runtime);
    }
    if (!missing.isEmpty()) {
      throw new EmbeddedServerException(
          server
              + ": "
              + missing.size()
              + " jar(s) recorded in "
              + resource
              + " do not exist (first: "
              + missing.get(0)
              + "); the local Maven repository changed since"
              + " classpaths/"
              + runtime
              + " was built: rebuild it with"
              + " ./mvnw install -pl classpaths/"
              + runtime);
    }
    return jars;
  }
}
