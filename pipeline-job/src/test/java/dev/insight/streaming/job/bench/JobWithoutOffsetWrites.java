package dev.insight.streaming.job.bench;

import dev.insight.streaming.job.Environment;
import dev.insight.streaming.job.PipelineJob;
import dev.insight.streaming.job.story.JobUnderParentWatch;
import dev.insight.streaming.jobconfig.JobConfig;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import sun.misc.Signal;

/**
 * The job with its offset writes off, for the benchmark's "cost of exactly once" line only: the
 * same JVM shape as {@code PipelineJob.main}, stopping gracefully on SIGTERM.
 */
public final class JobWithoutOffsetWrites {

  public static void main(String[] args) {
    JobUnderParentWatch.haltWhenParentExits();
    PipelineJob job =
        new PipelineJob(JobConfig.read(Path.of(args[0])), new SparkConf(), Environment.system())
            .withoutOffsetWrites();
    Signal.handle(new Signal("TERM"), signal -> job.requestStop());
    System.exit(job.run());
  }
}
