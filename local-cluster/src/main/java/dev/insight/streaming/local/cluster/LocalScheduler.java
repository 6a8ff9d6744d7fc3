package dev.insight.streaming.local.cluster;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling step of a one-node cluster: every new pod that asks for the default scheduler is
 * bound to the node through the pods' binding subresource, as kube-scheduler binds them, acting as
 * {@code system:kube-scheduler}. There is one node, so there is little to choose: a pod whose node
 * selector the node's labels do not match, or which does not tolerate one of the node's NoSchedule
 * or NoExecute taints, stays Pending with condition PodScheduled=False, Unschedulable, and is tried
 * again every few seconds (the node may be relabelled). Resources and affinity are not filtered on
 * (a pod asking for more than this machine has still runs, and may be slow).
 */
final class LocalScheduler implements AutoCloseable {

  static final String DEFAULT_SCHEDULER = "default-scheduler";

  /** How often pods left Pending are tried again. */
  static final Duration RETRY = Duration.ofSeconds(5);

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
                RETRY.toMillis());
    return this;
  }

  private void bind(Pod pod) {
    String scheduler = pod.getSpec().getSchedulerName();
    if (pod.getMetadata().getDeletionTimestamp() != null
        || pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()
        || scheduler != null && !DEFAULT_SCHEDULER.equals(scheduler)) {
      return;
    }
    String unfit = unfit(pod);
    if (unfit != null) {
      markUnschedulable(pod, unfit);
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

  /** Why the node cannot take {@code pod}, as kube-scheduler words it; null when it can. */
  private String unfit(Pod pod) {
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    boolean selects = selector != null && !selector.isEmpty();
    Node node = client.nodes().withName(nodeName).get();
    if (node == null) {
      return "0/0 nodes are available";
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    List<Taint> taints =
        node.getSpec() == null || node.getSpec().getTaints() == null
            ? List.of()
            : node.getSpec().getTaints();
    if (selects) {
      Map<String, String> nodeLabels = labels;
      if (!selector.entrySet().stream()
          .allMatch(e -> e.getValue().equals(nodeLabels.get(e.getKey())))) {
        return "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.";
      }
    }
    List<Toleration> tolerations =
        pod.getSpec().getTolerations() == null ? List.of() : pod.getSpec().getTolerations();
    for (Taint taint : taints) {
      if (("NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect()))
          && tolerations.stream().noneMatch(t -> tolerates(t, taint))) {
        return "0/1 nodes are available: 1 node(s) had untolerated taint {"
            + taint.getKey()
            + (taint.getValue() == null ? "" : ": " + taint.getValue())
            + "}.";
      }
    }
    return null;
  }

  private static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null
        && !t.getEffect().isEmpty()
        && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (t.getKey() == null || t.getKey().isEmpty()) {
      return "Exists".equals(t.getOperator());
    }
    if (!t.getKey().equals(taint.getKey())) {
      return false;
    }
    return "Exists".equals(t.getOperator())
        || Objects.equals(
            t.getValue() == null ? "" : t.getValue(),
            taint.getValue() == null ? "" : taint.getValue());
  }

  private void markUnschedulable(Pod pod, String why) {
    boolean marked =
        pod.getStatus() != null
            && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && why.equals(c.getMessage()));
    if (marked) {
      return;
    }
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .editStatus(
              p ->
                  new PodBuilder(p)
                      .editOrNewStatus()
                      .withPhase("Pending")
                      .withConditions(
                          new PodConditionBuilder()
                              .withType("PodScheduled")
                              .withStatus("False")
                              .withReason("Unschedulable")
                              .withMessage(why)
                              .withLastTransitionTime(Instant.now().toString())
                              .build())
                      .endStatus()
                      .build());
      LOG.info(
          "pod {}/{} stays Pending: {}",
          pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(),
          why);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        LOG.warn(
            "cannot mark pod {} unschedulable: {}", pod.getMetadata().getName(), e.getMessage());
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
