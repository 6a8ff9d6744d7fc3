package dev.insight.streaming.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;

/**
 * A real Kubernetes control plane: etcd, kube-apiserver and kube-controller-manager (built from
 * source by {@code control-plane}), each a child process on free loopback ports in one temporary
 * folder, with fresh certificates. The API server authenticates clients by certificate and
 * ServiceAccount token, authorizes nodes with the Node authorizer and everyone with RBAC, runs the
 * default admission plugins plus NodeRestriction and OwnerReferencesPermissionEnforcement, signs
 * ServiceAccount tokens and proxies pod logs to the kubelet endpoint a Node reports (see {@link
 * #kubeletServerTls}); the controller manager runs the garbage collector, the namespace,
 * ServiceAccount, token, root-CA and resource-quota controllers. There is no kubelet, scheduler or
 * container runtime: pods stay Pending until something else binds and runs them.
 */
public final class EmbeddedKubernetes implements AutoCloseable {

  static final String SERVER = "Kubernetes control plane";

  /** The cluster's administrator: the user of {@link #kubeconfig()}. */
  public static final String ADMIN_USER = "streaming-pipeline-admin";

  /** The user the API server presents to kubelets when it proxies logs (kubeadm's name for it). */
  public static final String KUBELET_CLIENT_USER = "kube-apiserver-kubelet-client";

  private static final int BIND_RETRIES = 3;
  private static final String SERVICE_ACCOUNT_ISSUER =
      "https://kubernetes.default.svc.cluster.local";
  private static final String SERVICE_RANGE = "10.96.0.0/16";
  private static final List<String> CONTROLLERS =
      List.of(
          "garbage-collector-controller",
          "namespace-controller",
          "serviceaccount-controller",
          "serviceaccount-token-controller",
          "root-ca-certificate-publisher-controller",
          "resourcequota-controller");

  private final KubernetesBinaries binaries;
  private final Path dir;
  private final ClusterCertificates certificates;
  private final List<ChildProcess> processes;
  private final int apiPort;
  private final Path kubeconfig;
  private volatile Duration startupTime;

  private EmbeddedKubernetes(
      KubernetesBinaries binaries,
      Path dir,
      ClusterCertificates certificates,
      List<ChildProcess> processes,
      int apiPort,
      Path kubeconfig) {
    this.binaries = binaries;
    this.dir = dir;
    this.certificates = certificates;
    this.processes = processes;
    this.apiPort = apiPort;
    this.kubeconfig = kubeconfig;
  }

  /**
   * Starts a control plane; returns once the API server's /readyz says ok and the controllers run.
   */
  public static EmbeddedKubernetes start() {
    return start(StartOptions.DEFAULT_START_TIMEOUT);
  }

  public static EmbeddedKubernetes start(Duration timeout) {
    long began = System.nanoTime();
    KubernetesBinaries binaries = KubernetesBinaries.locate();
    Path dir = DataDirectory.createTemporary("kubernetes-");
    List<ChildProcess> started = new ArrayList<>();
    try {
      ClusterCertificates certificates = ClusterCertificates.create();
      ClusterCertificates.Credential serving =
          certificates.serving(
              List.of(LoopbackPorts.HOST, "10.96.0.1"),
              List.of(
                  "localhost",
                  "kubernetes",
                  "kubernetes.default",
                  "kubernetes.default.svc",
                  "kubernetes.default.svc.cluster.local"));
      ClusterCertificates.write(dir.resolve("ca.crt"), certificates.ca().certificatePem());
      ClusterCertificates.write(dir.resolve("apiserver.crt"), serving.certificatePem());
      ClusterCertificates.write(dir.resolve("apiserver.key"), serving.keyPem());
      certificates.writeServiceAccountKeys(dir.resolve("sa.key"), dir.resolve("sa.pub"));
      ClusterCertificates.Credential kubeletClient =
          certificates.client(KUBELET_CLIENT_USER, "system:masters");
      ClusterCertificates.write(
          dir.resolve("apiserver-kubelet-client.crt"), kubeletClient.certificatePem());
      ClusterCertificates.write(
          dir.resolve("apiserver-kubelet-client.key"), kubeletClient.keyPem());

      // one probe identity (a client certificate in system:masters) for every readiness check
      HttpClient http = httpClient(certificates);
      int etcdPort = startWithRetries(started, "etcd", port -> etcd(binaries, dir, port, timeout));
      int apiPort =
          startWithRetries(
              started,
              "kube-apiserver",
              port -> apiServer(binaries, dir, etcdPort, port, http, timeout));

      String url = "https://" + LoopbackPorts.HOST + ":" + apiPort;
      Path kubeconfig = dir.resolve("admin.kubeconfig");
      ClusterCertificates.write(
          kubeconfig,
          kubeconfigYaml(url, certificates, certificates.client(ADMIN_USER, "system:masters")));
      Path managerConfig = dir.resolve("controller-manager.kubeconfig");
      ClusterCertificates.write(
          managerConfig,
          kubeconfigYaml(url, certificates, certificates.client("system:kube-controller-manager")));
      ChildProcess manager = controllerManager(binaries, dir, managerConfig);
      started.add(manager);
      // the ServiceAccount controller making the default namespace's "default" account shows the
      // controllers run with the rights RBAC gives them
      manager.awaitReady(
          timeout,
          remaining -> expectOk(http, url + "/api/v1/namespaces/default/serviceaccounts/default"));
      EmbeddedKubernetes cluster =
          new EmbeddedKubernetes(binaries, dir, certificates, started, apiPort, kubeconfig);
      cluster.startupTime = Duration.ofNanos(System.nanoTime() - began);
      return cluster;
    } catch (RuntimeException e) {
      stopAll(started);
      DataDirectory.delete(dir);
      throw e;
    }
  }

  /** The API server's URL, {@code https://127.0.0.1:<port>}. */
  public String url() {
    return "https://" + LoopbackPorts.HOST + ":" + apiPort;
  }

  /**
   * A kubeconfig for the cluster's administrator (a client certificate in group {@code
   * system:masters}).
   */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * Writes a kubeconfig for a user authenticated by a client certificate (common name {@code user},
   * organisations {@code groups}) into this control plane's folder and returns it.
   */
  public Path kubeconfigFor(String user, String... groups) {
    Path file = dir.resolve(user.replaceAll("[^A-Za-z0-9._-]", "_") + ".kubeconfig");
    ClusterCertificates.write(
        file, kubeconfigYaml(url(), certificates, certificates.client(user, groups)));
    return file;
  }

  /**
   * The TLS context of a kubelet's server on node {@code nodeName}: a serving certificate for
   * 127.0.0.1 signed by the cluster CA (the API server checks it when it proxies logs), trusting
   * that CA for client certificates.
   */
  public SSLContext kubeletServerTls(String nodeName) {
    return certificates.sslContext(
        certificates.serving(
            "system:node:" + nodeName, List.of(LoopbackPorts.HOST), List.of("localhost")));
  }

  /** The CA every certificate of this control plane is signed by, as PEM. */
  public String caCertificatePem() {
    return certificates.ca().certificatePem();
  }

  /** The folder holding certificates, kubeconfigs, etcd's data and each process's log. */
  public Path dataDir() {
    return dir;
  }

  /** The binaries this control plane runs, kubectl among them. */
  public KubernetesBinaries binaries() {
    return binaries;
  }

  /** From creating the certificates until the controllers ran. */
  public Duration startupTime() {
    return startupTime;
  }

  public boolean isRunning() {
    return processes.stream().allMatch(ChildProcess::isRunning);
  }

  /** The processes' PIDs: etcd, kube-apiserver, kube-controller-manager. */
  public List<Long> pids() {
    return processes.stream().map(ChildProcess::pid).toList();
  }

  /**
   * Stops the controller manager, the API server and etcd, in that order, and deletes the folder.
   */
  public void stop() {
    stopAll(processes);
    DataDirectory.delete(dir);
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "EmbeddedKubernetes[" + url() + "]";
  }

  private static ChildProcess etcd(
      KubernetesBinaries binaries, Path dir, int port, Duration timeout) {
    int peerPort = LoopbackPorts.free();
    String client = "http://" + LoopbackPorts.HOST + ":" + port;
    String peer = "http://" + LoopbackPorts.HOST + ":" + peerPort;
    ChildProcess etcd =
        ChildProcess.launchProgram(
            "etcd",
            List.of(
                binaries.etcd().toString(),
                "--name=control-plane",
                "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=" + client,
                "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer,
                "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=control-plane=" + peer,
                // a test cluster's data is thrown away with its folder: no fsync on 2 shared cores
                "--unsafe-no-fsync=true",
                "--log-level=warn"),
            dir,
            dir,
            dir.resolve("etcd.log"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    etcd.awaitReady(
        timeout,
        remaining -> {
          HttpResponse<String> health =
              http.send(
                  HttpRequest.newBuilder(URI.create(client + "/health"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (!health.body().contains("\"health\":\"true\"")) {
            throw new IOException("etcd /health answered " + health.body());
          }
        });
    return etcd;
  }

  private static ChildProcess apiServer(
      KubernetesBinaries binaries,
      Path dir,
      int etcdPort,
      int port,
      HttpClient http,
      Duration timeout) {
    ChildProcess apiServer =
        ChildProcess.launchProgram(
            "kube-apiserver",
            List.of(
                binaries.apiServer().toString(),
                "--etcd-servers=http://" + LoopbackPorts.HOST + ":" + etcdPort,
                "--bind-address=" + LoopbackPorts.HOST,
                "--advertise-address=" + LoopbackPorts.HOST,
                "--secure-port=" + port,
                // no kube-proxy or Service traffic here; the loopback address cannot be a Service
                // endpoint anyway
                "--endpoint-reconciler-type=none",
                "--cert-dir=" + dir.resolve("apiserver-certs"),
                "--tls-cert-file=" + dir.resolve("apiserver.crt"),
                "--tls-private-key-file=" + dir.resolve("apiserver.key"),
                "--client-ca-file=" + dir.resolve("ca.crt"),
                // kubelets (the local cluster's node agent) are authorized as nodes: only their own
                // Node, the pods
                // bound to them and the Secrets and ConfigMaps those pods name, as in kubeadm's
                // clusters
                "--authorization-mode=Node,RBAC",
                // on top of the defaults, as kubeadm and stricter clusters (OpenShift among them)
                // run them:
                // NodeRestriction keeps a node to its own objects; with
                // OwnerReferencesPermissionEnforcement setting
                // blockOwnerDeletion on an owner reference needs update on the owner's finalizers
                // subresource
                "--enable-admission-plugins=NodeRestriction,OwnerReferencesPermissionEnforcement",
                // pod logs: the API server calls the node's kubelet endpoint with this certificate
                // and checks the
                // kubelet's serving certificate against the cluster CA
                "--kubelet-client-certificate=" + dir.resolve("apiserver-kubelet-client.crt"),
                "--kubelet-client-key=" + dir.resolve("apiserver-kubelet-client.key"),
                "--kubelet-certificate-authority=" + dir.resolve("ca.crt"),
                "--kubelet-preferred-address-types=InternalIP",
                "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
                "--service-account-key-file=" + dir.resolve("sa.pub"),
                "--service-account-signing-key-file=" + dir.resolve("sa.key"),
                "--service-cluster-ip-range=" + SERVICE_RANGE,
                "--allow-privileged=true",
                "--profiling=false",
                // one client per test suite: fairness queues would only cost CPU
                "--enable-priority-and-fairness=false"),
            dir,
            dir,
            dir.resolve("kube-apiserver.log"));
    String readyz = "https://" + LoopbackPorts.HOST + ":" + port + "/readyz";
    apiServer.awaitReady(timeout, remaining -> expectOk(http, readyz));
    return apiServer;
  }

  private static ChildProcess controllerManager(
      KubernetesBinaries binaries, Path dir, Path kubeconfig) {
    return ChildProcess.launchProgram(
        "kube-controller-manager",
        List.of(
            binaries.controllerManager().toString(),
            "--kubeconfig=" + kubeconfig,
            "--controllers=" + String.join(",", CONTROLLERS),
            // each controller acts as its own ServiceAccount with the bootstrap roles, as kubeadm
            // sets it up
            "--use-service-account-credentials=true",
            "--service-account-private-key-file=" + dir.resolve("sa.key"),
            "--root-ca-file=" + dir.resolve("ca.crt"),
            "--leader-elect=false",
            "--secure-port=0",
            "--profiling=false"),
        dir,
        dir,
        dir.resolve("kube-controller-manager.log"));
  }

  /**
   * Starts one process on a free port, again on another port when it lost the race for it (another
   * process bound the port between our check and its start).
   */
  private static int startWithRetries(
      List<ChildProcess> started, String name, IntFunction<ChildProcess> launch) {
    for (int attempt = 1; ; attempt++) {
      int port = LoopbackPorts.free();
      try {
        started.add(launch.apply(port));
        return port;
      } catch (EmbeddedServerException e) {
        boolean raceLost =
            e.getMessage() != null && e.getMessage().contains("address already in use");
        if (!raceLost || attempt >= BIND_RETRIES) {
          throw new EmbeddedServerException(
              SERVER + ": " + name + " did not start: " + e.getMessage(), e);
        }
      }
    }
  }

  private static HttpClient httpClient(ClusterCertificates certificates) {
    return HttpClient.newBuilder()
        .sslContext(
            certificates.sslContext(certificates.client("readiness-probe", "system:masters")))
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  private static void expectOk(HttpClient http, String url)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private static String kubeconfigYaml(
      String url, ClusterCertificates certificates, ClusterCertificates.Credential user) {
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: local\n"
        + "  cluster:\n"
        + "    server: "
        + url
        + "\n"
        + "    certificate-authority-data: "
        + base64(certificates.ca().certificatePem())
        + "\n"
        + "users:\n"
        + "- name: user\n"
        + "  user:\n"
        + "    client-certificate-data: "
        + base64(user.certificatePem())
        + "\n"
        + "    client-key-data: "
        + base64(user.keyPem())
        + "\n"
        + "contexts:\n"
        + "- name: local\n"
        + "  context:\n"
        + "    cluster: local\n"
        + "    user: user\n"
        + "current-context: local\n";
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Stops in reverse order of start. */
  private static void stopAll(List<ChildProcess> processes) {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop();
    }
  }
}
