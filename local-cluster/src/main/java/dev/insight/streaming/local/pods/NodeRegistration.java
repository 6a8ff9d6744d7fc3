package dev.insight.streaming.local.pods;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;

/**
 * Registers the node agent's Node as a kubelet does: the Node object first, then its status (Ready,
 * the address 127.0.0.1 and the kubelet endpoint's port, which the API server uses to proxy {@code
 * kubectl logs}, and this machine's cores and memory as capacity).
 */
final class NodeRegistration {

  /** The version the Node reports: the node agent's, not a kubelet's. */
  static final String AGENT_VERSION = "streaming-pipeline-node-agent";

  private NodeRegistration() {}

  /**
   * Creates the Node (or takes over one of the same name left by an earlier run) and reports it
   * Ready.
   */
  static Node register(KubernetesClient client, String nodeName, int kubeletPort) {
    Node wanted =
        new NodeBuilder()
            .withNewMetadata()
            .withName(nodeName)
            .withLabels(
                Map.of(
                    "kubernetes.io/hostname",
                    nodeName,
                    "kubernetes.io/os",
                    "linux",
                    "kubernetes.io/arch",
                    arch()))
            .endMetadata()
            .build();
    try {
      client.nodes().resource(wanted).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    for (int attempt = 0; ; attempt++) {
      Node node = client.nodes().withName(nodeName).get();
      String now = Instant.now().toString();
      Map<String, Quantity> capacity =
          Map.of(
              "cpu", new Quantity(String.valueOf(Runtime.getRuntime().availableProcessors())),
              "memory", new Quantity(String.valueOf(physicalMemory())),
              "pods", new Quantity("110"));
      node.setStatus(
          new NodeBuilder(node)
              .editOrNewStatus()
              .withCapacity(capacity)
              .withAllocatable(capacity)
              .withConditions()
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .withReason("KubeletReady")
              .withMessage("the local node agent runs driver pods as child JVMs")
              .withLastHeartbeatTime(now)
              .withLastTransitionTime(now)
              .endCondition()
              .withAddresses()
              .addNewAddress()
              .withType("InternalIP")
              .withAddress(PodSetup.POD_IP)
              .endAddress()
              .addNewAddress()
              .withType("Hostname")
              .withAddress(nodeName)
              .endAddress()
              .withNewDaemonEndpoints()
              .withNewKubeletEndpoint()
              .withPort(kubeletPort)
              .endKubeletEndpoint()
              .endDaemonEndpoints()
              .withNewNodeInfo()
              .withKubeletVersion(AGENT_VERSION)
              .withKubeProxyVersion("")
              .withOperatingSystem("linux")
              .withArchitecture(arch())
              .withContainerRuntimeVersion("child-jvm://" + System.getProperty("java.version"))
              .withOsImage(System.getProperty("os.name") + " " + System.getProperty("os.version"))
              .withKernelVersion(System.getProperty("os.version"))
              .withMachineID("")
              .withSystemUUID("")
              .withBootID("")
              .endNodeInfo()
              .endStatus()
              .build()
              .getStatus());
      try {
        return client.nodes().resource(node).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 4) {
          throw e;
        }
      }
    }
  }

  private static String arch() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> arch;
    };
  }

  private static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }
}
