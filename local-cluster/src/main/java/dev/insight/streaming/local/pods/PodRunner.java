package dev.insight.streaming.local.pods;

import dev.insight.streaming.embedded.OwnSession;
import dev.insight.streaming.embedded.ParentWatchdog;
import dev.insight.streaming.local.pods.DriverCommand.UnsupportedPodException;
import dev.insight.streaming.local.pods.PodSetup.ContainerConfigException;
import dev.insight.streaming.operator.driver.DriverContract;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cluster's node agent, doing a kubelet's part for the pods bound to its Node: runs each
 * Spark container as a child JVM, the way the Spark image's entrypoint would (a driver runs the
 * pipeline job against the real API server, where Spark's Kubernetes backend asks for executor
 * pods; an executor runs Spark's executor backend), with the pod's volumes as local folders (the
 * JobConfig from its ConfigMap, a ServiceAccount token bound to the pod, the Spark authentication
 * key), Secret values as the environment the pod declares, and reports the pod's phase and
 * container state through the status subresource, and honours graceful deletion as a kubelet does:
 * a deleted pod keeps its deletionTimestamp while the agent sends SIGTERM, waits the pod's grace
 * period, then SIGKILL, and only then the agent removes the pod with grace period 0. It acts as
 * {@code system:node:local}, so the API server's Node authorizer lets it see only what its own pods
 * need. Each pod's output goes to its own log file, which {@link KubeletEndpoint} serves to the API
 * server for {@code kubectl logs}.
 */
public final class PodRunner implements AutoCloseable {

  /** The one node of the local cluster. */
  public static final String NODE_NAME = "local";

  private static final Logger LOG = LoggerFactory.getLogger(PodRunner.class);
  private static final Duration CONFIG_RETRY = Duration.ofSeconds(2);
  private static final Duration RESTART_BACKOFF = Duration.ofSeconds(5);
  private static final int TERMINATION_MESSAGE_BYTES = 2048;

  private final KubernetesClient client;
  private final JobRuntime runtime;
  private final Path workDir;
  private final PodSetup setup;
  private final String apiServer;
  private final Map<String, RunningPod> pods = new ConcurrentHashMap<>();
  private final Map<String, RunningPod> latest = new ConcurrentHashMap<>();
  private final Set<String> confirming = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger podSequence =
      new java.util.concurrent.atomic.AtomicInteger();
  private SharedIndexInformer<Pod> informer;
  private volatile boolean closing;

  /**
   * @param client a client acting as this node ({@code system:node:local} in group {@code
   *     system:nodes})
   * @param apiServer the API server's URL, which pods here reach it by (for {@code
   *     kubernetes.default.svc})
   */
  public PodRunner(KubernetesClient client, JobRuntime runtime, Path workDir, String apiServer) {
    this.client = client;
    this.runtime = runtime;
    this.workDir = workDir.toAbsolutePath();
    this.setup = new PodSetup(client);
    this.apiServer = apiServer;
  }

  /** Registers this agent's Node, Ready, with the port of its kubelet endpoint. */
  public PodRunner register(int kubeletPort) {
    NodeRegistration.register(client, NODE_NAME, kubeletPort);
    return this;
  }

  /** Starts watching the pods bound to this node, in every namespace. */
  public PodRunner start() {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the node agent's folder " + workDir, e);
    }
    informer =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", NODE_NAME)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    arrived(pod);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    arrived(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean finalStateUnknown) {
                    // gone from the API server (we confirmed it, or someone forced it): stop at
                    // once if still running
                    RunningPod running = pods.get(pod.getMetadata().getUid());
                    if (running != null) {
                      terminate(running, Duration.ZERO, false);
                    }
                  }
                },
                0);
    return this;
  }

  private void arrived(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() == null) {
      admit(pod);
      return;
    }
    RunningPod running = pods.get(pod.getMetadata().getUid());
    Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
    Duration grace = seconds == null ? grace(pod) : Duration.ofSeconds(seconds);
    if (running != null) {
      terminate(running, grace, true);
    } else {
      // never ran here (or ran before this agent started): nothing to stop, confirm at once
      daemon(
          "delete " + pod.getMetadata().getName(),
          () ->
              confirmDeletion(
                  pod.getMetadata().getNamespace(),
                  pod.getMetadata().getName(),
                  pod.getMetadata().getUid()));
    }
  }

  /** The log file of the latest pod of that name the agent ran. */
  public Optional<Path> logFile(String namespace, String pod) {
    return Optional.ofNullable(latest.get(key(namespace, pod))).map(p -> p.log);
  }

  /**
   * Whether the latest pod of that name may still write to its log (its container runs or will run
   * again).
   */
  public boolean mayStillLog(String namespace, String pod) {
    RunningPod running = latest.get(key(namespace, pod));
    return running != null && running.exited.getCount() > 0;
  }

  /** The JVM running the named pod, while one runs. */
  public Optional<ProcessHandle> process(String namespace, String pod) {
    return pods.values().stream()
        .filter(p -> p.namespace.equals(namespace) && p.name.equals(pod))
        .map(p -> p.process)
        .filter(p -> p != null && p.isAlive())
        .map(Process::toHandle)
        .findFirst();
  }

  /** Every container JVM still alive, drivers and executors. */
  public List<ProcessHandle> processes() {
    return pods.values().stream()
        .map(p -> p.process)
        .filter(p -> p != null && p.isAlive())
        .map(Process::toHandle)
        .collect(Collectors.toList());
  }

  /** Stops watching and stops every pod's JVM (SIGTERM, its grace period, SIGKILL), all at once. */
  @Override
  public void close() {
    closing = true;
    if (informer != null) {
      informer.close();
    }
    // owners first: a Spark driver finishing its last batches on SIGTERM needs its executors, the
    // pods it owns, until it has stopped
    Set<String> running = pods.keySet();
    List<RunningPod> owners = new ArrayList<>();
    List<RunningPod> owned = new ArrayList<>();
    for (RunningPod pod : pods.values()) {
      boolean ownedByARunningPod =
          pod.pod.getMetadata().getOwnerReferences().stream()
              .anyMatch(o -> "Pod".equals(o.getKind()) && running.contains(o.getUid()));
      (ownedByARunningPod ? owned : owners).add(pod);
    }
    stopAll(owners);
    stopAll(owned);
  }

  private void stopAll(List<RunningPod> wave) {
    List<Thread> stops = new ArrayList<>();
    for (RunningPod pod : wave) {
      Thread stop = new Thread(() -> pod.stop(pod.grace), "stop " + pod);
      stop.start();
      stops.add(stop);
    }
    for (Thread stop : stops) {
      try {
        stop.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        pods.values().forEach(RunningPod::kill);
        return;
      }
    }
  }

  private void admit(Pod pod) {
    String uid = pod.getMetadata().getUid();
    if (closing
        || pods.containsKey(uid)
        || pod.getStatus() != null && isFinal(pod.getStatus().getPhase())) {
      return;
    }
    RunningPod running = new RunningPod(pod);
    if (pods.putIfAbsent(uid, running) == null) {
      daemon("pod " + running, running::run);
    }
  }

  /**
   * Stops the pod's container within {@code grace} (SIGTERM, then SIGKILL) and, when the API server
   * still holds the pod, confirms its deletion with grace period 0, as a kubelet does once the
   * containers are gone.
   */
  private void terminate(RunningPod running, Duration grace, boolean confirm) {
    if (running.deleted.getCount() == 0) {
      return;
    }
    running.deleted.countDown();
    daemon(
        "delete " + running,
        () -> {
          running.stop(grace);
          try {
            running.exited.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          if (confirm && !closing) {
            confirmDeletion(running.namespace, running.name, running.uid);
          }
          pods.remove(running.uid, running);
        });
  }

  /** Deletes the pod with grace period 0, unless it is already gone or a namesake replaced it. */
  private void confirmDeletion(String namespace, String name, String uid) {
    if (!confirming.add(uid)) {
      return;
    }
    try {
      Pod current = client.pods().inNamespace(namespace).withName(name).get();
      if (current != null && uid.equals(current.getMetadata().getUid())) {
        client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        LOG.info("pod {}/{}: containers stopped, deletion confirmed", namespace, name);
      }
    } catch (KubernetesClientException e) {
      LOG.warn("pod {}/{}: cannot confirm its deletion: {}", namespace, name, e.getMessage());
    } finally {
      confirming.remove(uid);
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static boolean isFinal(String phase) {
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static Duration grace(Pod pod) {
    Long seconds = pod.getSpec().getTerminationGracePeriodSeconds();
    return Duration.ofSeconds(seconds == null ? 30 : seconds);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** One pod on this node: its lifecycle runs on its own thread. */
  private final class RunningPod {
    final Pod pod;
    final String namespace;
    final String name;
    final String uid;
    final Duration grace;
    final Path dir;
    final CountDownLatch deleted = new CountDownLatch(1);
    final CountDownLatch exited = new CountDownLatch(1);
    final Instant startTime = Instant.now();
    final Path log;
    volatile Process process;
    int restarts;

    RunningPod(Pod pod) {
      this.pod = pod;
      this.namespace = pod.getMetadata().getNamespace();
      this.name = pod.getMetadata().getName();
      this.uid = pod.getMetadata().getUid();
      this.grace = grace(pod);
      // one folder per pod object, numbered: a replacement of the same name keeps its predecessor's
      // log
      this.dir =
          workDir
              .resolve("pods")
              .resolve(namespace + "_" + name + "_" + podSequence.incrementAndGet());
      this.log = dir.resolve(pod.getSpec().getContainers().get(0).getName() + ".log");
    }

    void run() {
      try {
        Container container = pod.getSpec().getContainers().get(0);
        if (pod.getSpec().getContainers().size() > 1 || entrypoint(container) == null) {
          writeStatus(
              PodStatuses.waiting(
                  pod,
                  startTime,
                  "CreateContainerError",
                  "the local node agent runs only"
                      + " Spark pods (one container, the image's '"
                      + DriverContract.ENTRYPOINT_DRIVER
                      + "' or '"
                      + ExecutorCommand.ENTRYPOINT_EXECUTOR
                      + "' entrypoint)"));
          return;
        }
        awaitPredecessor();
        latest.put(key(namespace, name), this);
        writeStatus(PodStatuses.waiting(pod, startTime, "ContainerCreating", null));
        while (!isDeleted()) {
          Optional<Process> started = startContainer(container);
          if (started.isEmpty()) {
            return;
          }
          process = started.get();
          Instant startedAt = Instant.now();
          writeStatus(PodStatuses.running(pod, startTime, startedAt, restarts));
          int exit = process.waitFor();
          Instant finishedAt = Instant.now();
          if (isDeleted()) {
            LOG.info("pod {}: container JVM exited with code {} after deletion", this, exit);
            return;
          }
          String reason = exit == 0 ? "Completed" : "Error";
          String message = exit == 0 ? null : logTail();
          LOG.info("pod {}: container JVM exited with code {} ({})", this, exit, reason);
          String policy = pod.getSpec().getRestartPolicy();
          boolean restart = "Always".equals(policy) || "OnFailure".equals(policy) && exit != 0;
          if (!restart) {
            writeStatus(
                PodStatuses.terminated(
                    pod, startTime, startedAt, finishedAt, exit, reason, message, restarts));
            return;
          }
          restarts++;
          writeStatus(
              PodStatuses.waiting(
                  pod, startTime, "CrashLoopBackOff", "restarting after exit code " + exit));
          if (deleted.await(RESTART_BACKOFF.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("pod {}: the node agent failed: {}", this, e.toString(), e);
      } finally {
        exited.countDown();
      }
    }

    /**
     * Sets the container up and starts its JVM; empty when the pod was deleted before it could
     * start.
     */
    private Optional<Process> startContainer(Container container) throws InterruptedException {
      while (true) {
        if (isDeleted()) {
          return Optional.empty();
        }
        try {
          Files.createDirectories(dir);
          Map<String, Path> mounts = setup.mountVolumes(pod, container, dir.resolve("volumes"));
          Map<String, String> env = setup.environment(pod, container);
          Path scratch = Files.createDirectories(dir.resolve("scratch"));
          Map<String, String> jvmEnv = new java.util.HashMap<>(env);
          // paths the pod's variables name inside the container (the JobConfig, Spark's conf and
          // local dirs) are where its volumes are here
          jvmEnv.replaceAll(
              (k, v) ->
                  PodSetup.isMounted(mounts, v) ? PodSetup.inPodPath(mounts, v).toString() : v);
          // a container has its own home: the user's kubeconfig is not in the pod
          jvmEnv.putIfAbsent("HOME", dir.toString());
          JvmCommand command =
              ExecutorCommand.ENTRYPOINT_EXECUTOR.equals(entrypoint(container))
                  ? ExecutorCommand.of(
                      container.getArgs(),
                      jvmEnv,
                      p -> PodSetup.isMounted(mounts, p),
                      p -> PodSetup.inPodPath(mounts, p),
                      scratch)
                  : DriverCommand.of(
                      container.getArgs(),
                      p -> PodSetup.inPodPath(mounts, p),
                      env.get(DriverContract.BIND_ADDRESS_ENV),
                      apiServer,
                      scratch);
          return Optional.of(launch(command, jvmEnv));
        } catch (ContainerConfigException e) {
          writeStatus(
              PodStatuses.waiting(pod, startTime, "CreateContainerConfigError", e.getMessage()));
          if (deleted.await(CONFIG_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
          }
        } catch (UnsupportedPodException e) {
          writeStatus(PodStatuses.waiting(pod, startTime, "CreateContainerError", e.getMessage()));
          return Optional.empty();
        } catch (KubernetesClientException e) {
          // the Node authorizer lets a node read a pod's Secrets once it has seen the pod bound
          // here: retry
          writeStatus(
              PodStatuses.waiting(pod, startTime, "CreateContainerConfigError", e.getMessage()));
          if (deleted.await(CONFIG_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
          }
        } catch (IOException e) {
          writeStatus(PodStatuses.waiting(pod, startTime, "RunContainerError", e.getMessage()));
          if (deleted.await(CONFIG_RETRY.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
          }
        }
      }
    }

    private Process launch(JvmCommand command, Map<String, String> env) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(runtime.java().toString());
      cmd.addAll(command.jvmOptions());
      cmd.add("-D" + ParentWatchdog.PARENT_PID + "=" + ProcessHandle.current().pid());
      cmd.add("-cp");
      List<Path> classpath = new ArrayList<>();
      classpath.add(installWatchdog(dir));
      classpath.addAll(command.classpathHead());
      classpath.addAll(runtime.classpath());
      cmd.add(
          classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
      // the watchdog halts the JVM when this one goes away, however it goes (see ParentWatchdog)
      cmd.add(ParentWatchdog.class.getName());
      cmd.add(command.mainClass());
      cmd.addAll(command.args());
      ProcessBuilder builder =
          // its own session, as a container runtime gives it: a terminal's Ctrl-C is not its signal
          new ProcessBuilder(OwnSession.of(cmd))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // a container sees only what its pod declares, plus what a JVM needs to find itself
      Map<String, String> environment = builder.environment();
      environment.keySet().retainAll(List.of("PATH", "LANG", "USER", "TZ"));
      environment.putAll(env);
      Process started = builder.start();
      LOG.info(
          "pod {}: {} JVM pid {} started, log {}, environment {}",
          this,
          command.mainClass(),
          started.pid(),
          log,
          new java.util.TreeSet<>(env.keySet()));
      return started;
    }

    private void awaitPredecessor() throws InterruptedException {
      // the API server keeps a deleted pod until its containers are gone, so a namesake waits for
      // its predecessor
      for (RunningPod other : pods.values()) {
        if (other != this && other.namespace.equals(namespace) && other.name.equals(name)) {
          other.exited.await();
        }
      }
    }

    /** SIGTERM, the grace period, then SIGKILL. */
    void stop(Duration gracePeriod) {
      Process p = process;
      if (p != null && p.isAlive()) {
        LOG.info(
            "pod {}: SIGTERM to container JVM pid {}, grace {} s",
            this,
            p.pid(),
            gracePeriod.toSeconds());
        // the handle's destroy only signals; Process.destroy() would also close the JVM's stdin,
        // which its
        // ParentWatchdog reads as "parent gone" and halts at once, skipping the job's graceful stop
        p.toHandle().destroy();
        try {
          if (!p.waitFor(gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn(
                "pod {}: container JVM pid {} outlived its grace period, SIGKILL", this, p.pid());
            kill();
          }
        } catch (InterruptedException e) {
          kill();
          Thread.currentThread().interrupt();
        }
      }
      deleted.countDown();
    }

    void kill() {
      Process p = process;
      if (p != null) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private boolean isDeleted() {
      return deleted.getCount() == 0 || closing;
    }

    /**
     * Writes the status through the status subresource, unless the pod is gone or replaced by a
     * namesake.
     */
    private void writeStatus(PodStatus status) {
      for (int attempt = 0; attempt < 5; attempt++) {
        try {
          Pod current = client.pods().inNamespace(namespace).withName(name).get();
          if (current == null || !uid.equals(current.getMetadata().getUid())) {
            return;
          }
          // the API server computes the QoS class once, at creation; a status write may not change
          // it
          status.setQosClass(
              current.getStatus() == null ? null : current.getStatus().getQosClass());
          current.setStatus(status);
          client.pods().inNamespace(namespace).resource(current).updateStatus();
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            LOG.warn("pod {}: cannot write status {}: {}", this, status.getPhase(), e.getMessage());
            return;
          }
        }
      }
    }

    private String logTail() {
      if (!Files.isRegularFile(log)) {
        return null;
      }
      try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
        long length = file.length();
        int size = (int) Math.min(length, TERMINATION_MESSAGE_BYTES);
        byte[] bytes = new byte[size];
        file.seek(length - size);
        file.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return key(namespace, name);
    }
  }

  /**
   * The Spark image entrypoint the container asks for, or null when it is not one the agent runs.
   */
  private static String entrypoint(Container container) {
    if (container.getArgs() == null || container.getArgs().isEmpty()) {
      return null;
    }
    String first = container.getArgs().get(0);
    return DriverContract.ENTRYPOINT_DRIVER.equals(first)
            || ExecutorCommand.ENTRYPOINT_EXECUTOR.equals(first)
        ? first
        : null;
  }

  /**
   * Copies the watchdog's lone class file next to the pod, so nothing of ours but it joins the
   * job's classpath.
   */
  private static Path installWatchdog(Path podDir) throws IOException {
    String classFile = ParentWatchdog.class.getName().replace('.', '/') + ".class";
    Path root = podDir.resolve("watchdog-classes");
    Path target = root.resolve(classFile);
    try (InputStream in = ParentWatchdog.class.getClassLoader().getResourceAsStream(classFile)) {
      if (in == null) {
        throw new IOException(classFile + " is not on the classpath");
      }
      Files.createDirectories(target.getParent());
      Files.write(target, in.readAllBytes());
    }
    return root;
  }
}
