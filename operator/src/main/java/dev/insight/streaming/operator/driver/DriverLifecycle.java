package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.status.DriverStatus;
import dev.insight.streaming.operator.api.status.FailureInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The driver's lifecycle as a pure function: from the pod as found, the status as last written, the
 * spec's wishes and the time, what to do (start, stop gracefully, remove an ended pod, or wait) and
 * what status to report. Only one pod name exists per pipeline and a pod is created only when none
 * exists, so two drivers never run at once.
 */
public final class DriverLifecycle {

  /** What the step does to the pod. */
  public enum Action {
    /** Nothing; wait for an event or the recheck. */
    NONE,
    /** Create the driver pod (and bring its ConfigMap up to date first). */
    CREATE,
    /**
     * Delete the running pod with its grace period, so the job stores its offsets before it exits.
     */
    STOP_GRACEFULLY,
    /** Delete a pod whose driver has ended (nothing runs in it any more). */
    REMOVE_ENDED
  }

  /**
   * What the spec asks of the driver now.
   *
   * @param secretVersions the resourceVersions of the Secrets the driver's environment comes from,
   *     as now read (see {@link DriverContract#SECRET_VERSIONS_ANNOTATION})
   */
  public record Wish(
      boolean suspend, String specHash, String secretVersions, RestartPolicy policy) {}

  /**
   * The verdict.
   *
   * @param status the driver section of status to write
   * @param ready whether DriverRunning is True
   * @param recheckAfter when to look again without an event
   */
  public record Decision(
      Action action,
      DriverStatus status,
      boolean ready,
      Reason reason,
      String message,
      Duration recheckAfter) {}

  static final String STOPPED = "Stopped";

  /**
   * How often a pod in transition (starting, stopping) is looked at, besides the pod's own events.
   */
  static final Duration TRANSITION_RECHECK = Duration.ofSeconds(10);

  static final Duration IDLE_RECHECK = Duration.ofMinutes(5);

  private DriverLifecycle() {}

  /**
   * Decides the next move.
   *
   * @param podName the driver pod's name
   * @param pod the pod as found by name; empty when there is none
   * @param previous {@code status.driver} as last written; null before the first driver
   */
  public static Decision decide(
      String podName, Optional<DriverPodState> pod, DriverStatus previous, Wish wish, Instant now) {
    DriverStatus status = copy(previous);
    status.setPodName(podName);
    if (pod.isPresent() && pod.get().terminating()) {
      status.setPhase(pod.get().phase());
      return wish.suspend()
          ? decision(
              Action.NONE,
              status,
              Reason.SUSPENDED,
              "stopping driver pod "
                  + podName
                  + ": waiting for it to finish its batch, store its offsets and exit",
              TRANSITION_RECHECK)
          : decision(
              Action.NONE,
              status,
              Reason.DRIVER_STARTING,
              "waiting for the previous driver pod "
                  + podName
                  + " to stop before starting a new one",
              TRANSITION_RECHECK);
    }
    if (wish.suspend()) {
      return suspend(podName, pod, status);
    }
    if (pod.isEmpty()) {
      return start(podName, status, now);
    }
    DriverPodState found = pod.get();
    boolean specChanged = !wish.specHash().equals(found.specHash());
    List<String> secretsChanged = changedSecrets(found.secretVersions(), wish.secretVersions());
    if (found.ended()) {
      return specChanged || !secretsChanged.isEmpty()
          ? replaceEnded(podName, status)
          : ended(podName, found, previous, status, wish, now);
    }
    status.setPhase(found.phase());
    if (specChanged) {
      return decision(
          Action.STOP_GRACEFULLY,
          status,
          Reason.DRIVER_STARTING,
          "the spec changed in a field the"
              + " driver reads at start: stopping driver pod "
              + podName
              + " gracefully to start it anew",
          TRANSITION_RECHECK);
    }
    if (!secretsChanged.isEmpty()) {
      return decision(
          Action.STOP_GRACEFULLY,
          status,
          Reason.DRIVER_STARTING,
          "Secret "
              + String.join(", ", secretsChanged)
              + " changed since driver pod "
              + podName
              + " started: stopping it"
              + " gracefully to start it anew with the new values",
          TRANSITION_RECHECK);
    }
    status.setNextRestartTime(null);
    if (!DriverPodState.RUNNING.equals(found.phase())) {
      return decision(
          Action.NONE,
          status,
          Reason.DRIVER_STARTING,
          "driver pod " + podName + " is " + found.phase(),
          TRANSITION_RECHECK);
    }
    return running(podName, found, status, wish.policy(), now);
  }

  /**
   * The Secrets whose resourceVersion differs between the pod's annotation and now, by name; none
   * when the pod predates the annotation.
   */
  static List<String> changedSecrets(String atStart, String now) {
    if (atStart == null) {
      return List.of();
    }
    Map<String, String> before = versions(atStart);
    Map<String, String> after = versions(now);
    Set<String> names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    return names.stream()
        .filter(name -> !Objects.equals(before.get(name), after.get(name)))
        .toList();
  }

  /** Renders {@code name=resourceVersion} pairs, sorted by name, for the pod annotation. */
  public static String secretVersions(Map<String, String> versionByName) {
    return new TreeMap<>(versionByName)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  private static Map<String, String> versions(String text) {
    Map<String, String> versions = new TreeMap<>();
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        versions.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return versions;
  }

  private static Decision suspend(
      String podName, Optional<DriverPodState> pod, DriverStatus status) {
    // a user who suspends has taken over: the next start gets a fresh restart budget
    status.setRestarts(0);
    status.setNextRestartTime(null);
    if (pod.isEmpty()) {
      status.setPhase(STOPPED);
      return decision(
          Action.NONE,
          status,
          Reason.SUSPENDED,
          "spec.suspend is true: the driver is stopped",
          IDLE_RECHECK);
    }
    status.setPhase(pod.get().phase());
    Action action = pod.get().ended() ? Action.REMOVE_ENDED : Action.STOP_GRACEFULLY;
    return decision(
        action,
        status,
        Reason.SUSPENDED,
        "spec.suspend is true: stopping driver pod " + podName + " gracefully",
        TRANSITION_RECHECK);
  }

  private static Decision start(String podName, DriverStatus status, Instant now) {
    Optional<Instant> due = Optional.ofNullable(status.getNextRestartTime()).map(Instant::parse);
    if (due.isPresent() && now.isBefore(due.get())) {
      return decision(
          Action.NONE,
          status,
          Reason.BACKING_OFF,
          "driver stopped ("
              + failureText(status)
              + "); restart "
              + (status.getRestarts() + 1)
              + " at "
              + due.get(),
          Duration.between(now, due.get()));
    }
    if (due.isPresent()) {
      status.setRestarts(status.getRestarts() + 1);
      status.setNextRestartTime(null);
    }
    status.setPhase(DriverPodState.PENDING);
    return decision(
        Action.CREATE,
        status,
        Reason.DRIVER_STARTING,
        "starting driver pod " + podName,
        TRANSITION_RECHECK);
  }

  private static Decision replaceEnded(String podName, DriverStatus status) {
    // a new spec is a new attempt: it gets a fresh budget and no backoff
    status.setRestarts(0);
    status.setNextRestartTime(null);
    return decision(
        Action.REMOVE_ENDED,
        status,
        Reason.DRIVER_STARTING,
        "the spec changed: replacing the ended" + " driver pod " + podName,
        TRANSITION_RECHECK);
  }

  private static Decision running(
      String podName, DriverPodState pod, DriverStatus status, RestartPolicy policy, Instant now) {
    Duration recheck = IDLE_RECHECK;
    if (status.getRestarts() > 0 && pod.runningSince().isPresent()) {
      Instant stableAt = pod.runningSince().get().plus(policy.stableRun());
      if (!now.isBefore(stableAt)) {
        status.setRestarts(0);
      } else {
        recheck = Duration.between(now, stableAt);
      }
    }
    return new Decision(
        Action.NONE,
        status,
        true,
        Reason.DRIVER_RUNNING,
        "driver pod " + podName + " runs",
        recheck);
  }

  private static Decision ended(
      String podName,
      DriverPodState pod,
      DriverStatus previous,
      DriverStatus status,
      Wish wish,
      Instant now) {
    RestartPolicy policy = wish.policy();
    boolean failed = pod.failed();
    boolean seenBefore = previous != null && pod.phase().equals(previous.getPhase());
    status.setPhase(pod.phase());
    if (!seenBefore) {
      // a driver that ran stably before it stopped starts a fresh budget: the failure is transient
      boolean ranStably =
          pod.startedAt().isPresent()
              && pod.finishedAt().isPresent()
              && !Duration.between(pod.startedAt().get(), pod.finishedAt().get())
                  .minus(policy.stableRun())
                  .isNegative();
      if (ranStably) {
        status.setRestarts(0);
      }
      if (failed || policy.restartsAfter(false)) {
        status.setLastFailure(failure(pod, now));
      }
      status.setNextRestartTime(null);
      if (policy.restartsAfter(failed) && policy.budgetLeft(status.getRestarts())) {
        Instant at =
            Instant.parse(status.getLastFailure().getTime())
                .plus(policy.delay(status.getRestarts()));
        status.setNextRestartTime(at.toString());
      }
    }
    if (!policy.restartsAfter(failed)) {
      return failed
          ? decision(
              Action.NONE,
              status,
              Reason.RETRIES_EXHAUSTED,
              "driver pod "
                  + podName
                  + " failed ("
                  + failureText(status)
                  + ") and restartPolicy "
                  + policy.type()
                  + " does not restart it",
              IDLE_RECHECK)
          : decision(
              Action.NONE,
              status,
              Reason.DRIVER_COMPLETED,
              "driver pod "
                  + podName
                  + " exited with code 0"
                  + " and restartPolicy "
                  + policy.type()
                  + " does not restart it",
              IDLE_RECHECK);
    }
    if (status.getNextRestartTime() == null) {
      return decision(
          Action.NONE,
          status,
          Reason.RETRIES_EXHAUSTED,
          "driver pod "
              + podName
              + " stopped after "
              + status.getRestarts()
              + " restarts in a row, the most job.restartPolicy.maxRetries allows ("
              + failureText(status)
              + ")",
          IDLE_RECHECK);
    }
    Instant due = Instant.parse(status.getNextRestartTime());
    String message =
        "driver stopped ("
            + failureText(status)
            + "); restart "
            + (status.getRestarts() + 1)
            + " at "
            + due;
    // the ended pod stays until the restart is due, so its logs can be read meanwhile
    return now.isBefore(due)
        ? decision(Action.NONE, status, Reason.BACKING_OFF, message, Duration.between(now, due))
        : decision(Action.REMOVE_ENDED, status, Reason.BACKING_OFF, message, TRANSITION_RECHECK);
  }

  private static FailureInfo failure(DriverPodState pod, Instant now) {
    FailureInfo info = new FailureInfo();
    // an exit 0 of a streaming job that was not asked to stop is abnormal too; it says "Completed"
    info.setReason(pod.endReason());
    info.setMessage(pod.endDescription());
    info.setTime(pod.finishedAt().orElse(now).truncatedTo(ChronoUnit.SECONDS).toString());
    return info;
  }

  private static String failureText(DriverStatus status) {
    FailureInfo f = status.getLastFailure();
    return f == null ? "no failure recorded" : f.getReason() + ": " + f.getMessage();
  }

  private static Decision decision(
      Action action, DriverStatus status, Reason reason, String message, Duration recheck) {
    return new Decision(action, status, false, reason, message, recheck);
  }

  private static DriverStatus copy(DriverStatus previous) {
    DriverStatus status = new DriverStatus();
    status.setRestarts(0);
    if (previous != null) {
      status.setPodName(previous.getPodName());
      status.setPhase(previous.getPhase());
      status.setRestarts(previous.getRestarts() == null ? 0 : previous.getRestarts());
      status.setLastFailure(previous.getLastFailure());
      status.setNextRestartTime(previous.getNextRestartTime());
    }
    return status;
  }
}
