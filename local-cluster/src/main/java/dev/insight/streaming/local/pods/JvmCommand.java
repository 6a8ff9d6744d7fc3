package dev.insight.streaming.local.pods;

import java.nio.file.Path;
import java.util.List;

/** What a container's entrypoint would run, as one local JVM on the job image's jars. */
interface JvmCommand {

  /** Options for the JVM: heap, Java options, system properties. */
  List<String> jvmOptions();

  /** Class path entries ahead of the image's jars (the executor's Spark configuration folder). */
  List<Path> classpathHead();

  String mainClass();

  List<String> args();
}
