package dev.insight.streaming.jobconfig;

/** The names operator and job agree on besides the JobConfig document itself. */
public final class JobContract {

  /** The job's main class, which the driver pod's spark-submit runs. */
  public static final String MAIN_CLASS = "dev.insight.streaming.job.PipelineJob";

  /** The environment variable holding the JobConfig file's path (when no argument names it). */
  public static final String CONFIG_ENV = "PIPELINE_JOB_CONFIG";

  /**
   * The job's exit code when a newer driver of the same pipeline claimed the offset stores: this
   * driver stopped itself, and whatever it had read but not stored is the newer driver's to write.
   */
  public static final int EXIT_FENCED = 3;

  private JobContract() {}
}
