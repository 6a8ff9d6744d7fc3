package dev.insight.streaming.local.pods;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.List;

/** The pod statuses a kubelet reports, for one-container pods: waiting, running, terminated. */
final class PodStatuses {

  private PodStatuses() {}

  /** Pending: the container waits (ContainerCreating, CreateContainerConfigError, ...). */
  static PodStatus waiting(Pod pod, Instant startTime, String reason, String message) {
    ContainerStatus container =
        base(pod, 0)
            .withReady(false)
            .withStarted(false)
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .build();
    return status(pod, "Pending", startTime, container, false);
  }

  static PodStatus running(Pod pod, Instant startTime, Instant startedAt, int restarts) {
    ContainerStatus container =
        base(pod, restarts)
            .withReady(true)
            .withStarted(true)
            .withNewState()
            .withNewRunning()
            .withStartedAt(startedAt.toString())
            .endRunning()
            .endState()
            .build();
    return status(pod, "Running", startTime, container, true);
  }

  /**
   * Succeeded on exit code 0, Failed otherwise; the reason as a kubelet gives it (Completed, Error,
   * OOMKilled).
   */
  static PodStatus terminated(
      Pod pod,
      Instant startTime,
      Instant startedAt,
      Instant finishedAt,
      int exitCode,
      String reason,
      String message,
      int restarts) {
    ContainerStatus container =
        base(pod, restarts)
            .withReady(false)
            .withStarted(false)
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(reason)
            .withMessage(message)
            .withStartedAt(startedAt.toString())
            .withFinishedAt(finishedAt.toString())
            .endTerminated()
            .endState()
            .build();
    PodStatus status =
        status(pod, exitCode == 0 ? "Succeeded" : "Failed", startTime, container, false);
    status.setReason(null);
    return status;
  }

  private static ContainerStatusBuilder base(Pod pod, int restarts) {
    var container = pod.getSpec().getContainers().get(0);
    return new ContainerStatusBuilder()
        .withName(container.getName())
        .withImage(container.getImage())
        .withImageID("local://" + container.getImage())
        .withRestartCount(restarts);
  }

  private static PodStatus status(
      Pod pod, String phase, Instant startTime, ContainerStatus container, boolean ready) {
    String now = Instant.now().toString();
    List<PodCondition> conditions =
        List.of(
            condition("PodScheduled", true, now),
            condition("Initialized", true, now),
            condition("ContainersReady", ready, now),
            condition("Ready", ready, now));
    return new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP(PodSetup.POD_IP)
        .withPodIP(PodSetup.POD_IP)
        .withPodIPs(new PodIPBuilder().withIp(PodSetup.POD_IP).build())
        .withStartTime(startTime.toString())
        .withConditions(conditions)
        .withContainerStatuses(container)
        .build();
  }

  private static PodCondition condition(String type, boolean status, String now) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(now)
        .build();
  }
}
