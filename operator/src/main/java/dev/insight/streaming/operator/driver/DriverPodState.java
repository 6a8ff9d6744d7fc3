package dev.insight.streaming.operator.driver;

import dev.insight.streaming.jobconfig.JobContract;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator reads from a driver pod: its phase, whether it is being deleted, the spec hash
 * it was made from, since when it runs, and how it ended.
 *
 * @param secretVersions the driver's Secrets' resourceVersions when it was created (see {@link
 *     DriverContract#SECRET_VERSIONS_ANNOTATION}); null for a pod from before the operator recorded
 *     them
 * @param runningSince when the driver container started running, if it runs
 * @param startedAt when the driver container last started, if known (for a terminated one, too)
 * @param finishedAt when the driver container ended, if it did and that is known
 */
public record DriverPodState(
    String name,
    String phase,
    boolean terminating,
    String specHash,
    String secretVersions,
    Optional<Instant> runningSince,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<Integer> exitCode,
    String endReason,
    String endMessage) {

  public static final String PENDING = "Pending";
  public static final String RUNNING = "Running";
  public static final String SUCCEEDED = "Succeeded";
  public static final String FAILED = "Failed";
  public static final String UNKNOWN = "Unknown";

  /** The state of {@code pod} as the API server reports it. */
  public static DriverPodState of(Pod pod) {
    var status = pod.getStatus();
    String phase = status == null || status.getPhase() == null ? PENDING : status.getPhase();
    Optional<ContainerStatus> container =
        Optional.ofNullable(status)
            .map(s -> s.getContainerStatuses())
            .flatMap(DriverPodState::driverContainer);
    Optional<Instant> running =
        container
            .map(c -> c.getState())
            .map(s -> s.getRunning())
            .map(r -> r.getStartedAt())
            .map(DriverPodState::instant);
    Optional<ContainerStateTerminated> terminated =
        container.map(c -> c.getState()).map(s -> s.getTerminated());
    Optional<Instant> started =
        running.or(() -> terminated.map(t -> t.getStartedAt()).map(DriverPodState::instant));
    Optional<Instant> finished =
        terminated.map(ContainerStateTerminated::getFinishedAt).map(DriverPodState::instant);
    String reason =
        terminated
            .map(ContainerStateTerminated::getReason)
            .or(() -> Optional.ofNullable(status).map(s -> s.getReason()))
            .orElse(phase);
    String message =
        terminated
            .map(ContainerStateTerminated::getMessage)
            .or(() -> Optional.ofNullable(status).map(s -> s.getMessage()))
            .orElse(null);
    Map<String, String> annotations =
        pod.getMetadata().getAnnotations() == null ? Map.of() : pod.getMetadata().getAnnotations();
    return new DriverPodState(
        pod.getMetadata().getName(),
        phase,
        pod.getMetadata().getDeletionTimestamp() != null,
        annotations.get(DriverContract.SPEC_HASH_ANNOTATION),
        annotations.get(DriverContract.SECRET_VERSIONS_ANNOTATION),
        running,
        started,
        finished,
        terminated.map(ContainerStateTerminated::getExitCode),
        reason,
        message);
  }

  /** Succeeded or Failed: the driver will not run again in this pod. */
  public boolean ended() {
    return SUCCEEDED.equals(phase) || FAILED.equals(phase);
  }

  public boolean failed() {
    return FAILED.equals(phase);
  }

  /**
   * One line on how it ended, e.g. {@code exit code 1: NoSuchMethodError ...}; never holds a secret
   * value.
   */
  public String endDescription() {
    String exit =
        exitCode
            .map(
                code ->
                    code == JobContract.EXIT_FENCED
                        ? "exit code "
                            + code
                            + " (fenced: a newer driver of this pipeline took over its offsets)"
                        : "exit code " + code)
            .orElse(null);
    if (exit == null) {
      return endMessage != null ? endMessage : "pod phase " + phase;
    }
    return endMessage == null || endMessage.isBlank()
        ? exit
        : exit + ": " + abbreviate(endMessage.strip());
  }

  private static Optional<ContainerStatus> driverContainer(List<ContainerStatus> statuses) {
    return statuses.stream()
        .filter(c -> DriverContract.DRIVER_CONTAINER.equals(c.getName()))
        .findFirst()
        .or(() -> statuses.stream().findFirst());
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }

  private static String abbreviate(String text) {
    return text.length() <= 512 ? text : text.substring(0, 509) + "...";
  }
}
