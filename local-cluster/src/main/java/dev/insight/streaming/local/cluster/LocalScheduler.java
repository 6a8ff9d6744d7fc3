package dev.insight.streaming.local.cluster;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling step of a one-node cluster: every new pod that asks for the default scheduler is
 * bound to the node through the pods' binding subresource, as kube-scheduler binds them, acting as
 * {@code system:kube-scheduler}. There is one node, so there is nothing to choose: no filtering on
 * resources, affinity or taints (a pod asking for more than this machine has still runs, and may be
 * slow).
 */
final class LocalScheduler implements AutoCloseable {

  static final String DEFAULT_SCHEDULER = "default-scheduler";
  private static final Logger LOG = LoggerFactory.getLogger(LocalScheduler.class);

  private final KubernetesClient client;
  private final String nodeName;
  private SharedIndexInformer<Pod> informer;

  LocalScheduler(KubernetesClient client, String nodeName) {
    this.client = client;
    this.nodeName = nodeName;
  }

  LocalScheduler start() {
    informer =
        client
            .pods()
            .inAnyNamespace()
            .withField("spec.nodeName", "")
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    bind(pod);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    bind(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean finalStateUnknown) {
                    // nothing bound, nothing to undo
                  }
                },
                0);
    return this;
  }

  private void bind(Pod pod) {
    String scheduler = pod.getSpec().getSchedulerName();
    if (pod.getMetadata().getDeletionTimestamp() != null
        || pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()
        || scheduler != null && !DEFAULT_SCHEDULER.equals(scheduler)) {
      return;
    }
    try {
      client
          .bindings()
          .inNamespace(pod.getMetadata().getNamespace())
          .resource(
              new BindingBuilder()
                  .withNewMetadata()
                  .withName(pod.getMetadata().getName())
                  .withUid(pod.getMetadata().getUid())
                  .endMetadata()
                  .withNewTarget()
                  .withApiVersion("v1")
                  .withKind("Node")
                  .withName(nodeName)
                  .endTarget()
                  .build())
          .create();
      LOG.info(
          "pod {}/{} bound to node {}",
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(),
          nodeName);
    } catch (KubernetesClientException e) {
      // 409: bound already (an update raced the binding); 404: deleted meanwhile
      if (e.getCode() != 409 && e.getCode() != 404) {
        LOG.warn(
            "cannot bind pod {}/{} to node {}: {}",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            nodeName,
            e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
