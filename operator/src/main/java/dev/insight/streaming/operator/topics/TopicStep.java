package dev.insight.streaming.operator.topics;

import dev.insight.streaming.operator.api.Conditions;
import dev.insight.streaming.operator.api.Conditions.Reason;
import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.spec.DeletionPolicy;
import dev.insight.streaming.operator.api.status.TopicStatus;
import dev.insight.streaming.operator.kafka.KafkaCluster;
import dev.insight.streaming.operator.kafka.KafkaClusters;
import dev.insight.streaming.operator.reconciler.CleanupOutcome;
import dev.insight.streaming.operator.reconciler.PipelineStep;
import dev.insight.streaming.operator.reconciler.RetryBackoff;
import dev.insight.streaming.operator.reconciler.StepOutcome;
import dev.insight.streaming.operator.secrets.RefusedSettingException;
import dev.insight.streaming.operator.secrets.SecretNotFoundException;
import dev.insight.streaming.operator.status.EventRecorder;
import dev.insight.streaming.operator.status.StatusEditor;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DeleteTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics concern: creates the pipeline's input and dead-letter topics with their partitions,
 * replication factor and config, raises partitions, applies config changes, and reports {@code
 * TopicsReady}. It records in {@code status.topics[].createdTopicId} the ID Kafka gave each topic
 * it created; only those topics (while they keep that ID) are raised, reconfigured or deleted: a
 * topic that was there before is read and left alone ({@code TopicNotOwned}). On deletion it
 * deletes the topics it created under {@code deletionPolicy: Delete}, by ID, giving up after a few
 * tries with a Warning event when Kafka is out of reach, so the finalizer never blocks forever.
 */
public final class TopicStep implements PipelineStep {

  /**
   * How many times deletion tries to reach Kafka before the finalizer goes without deleting the
   * topics.
   */
  static final int DELETE_ATTEMPTS = 3;

  static final Duration DELETE_RETRY = Duration.ofSeconds(3);
  // deletion waits for the broker less than a reconcile does: it is retried and then given up
  private static final Duration DELETE_CALL_TIMEOUT = Duration.ofSeconds(3);
  // a future is given a little longer than the Admin's own timeout, which normally fires first with
  // a clearer error
  private static final long WAIT_MS = KafkaClusters.API_TIMEOUT.toMillis() + 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(TopicStep.class);

  private final KafkaClusters kafka;
  private final EventRecorder events;
  private final Clock clock;
  private final Map<String, Integer> deleteAttempts = new ConcurrentHashMap<>();

  public TopicStep(KafkaClusters kafka, EventRecorder events, Clock clock) {
    this.kafka = kafka;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public String condition() {
    return Conditions.TOPICS_READY;
  }

  @Override
  public StepOutcome reconcile(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    List<DesiredTopic> desired = DesiredTopic.of(pipeline);
    KafkaCluster cluster;
    try {
      cluster = kafka.clusterOf(pipeline);
    } catch (SecretNotFoundException e) {
      return failing(pipeline, Reason.SECRET_NOT_FOUND, e.getMessage());
    } catch (RefusedSettingException e) {
      return failing(pipeline, Reason.SETTING_REFUSED, e.getMessage());
    }
    // topics this reconcile creates: recorded in status even when a later request fails
    Map<String, String> created = new LinkedHashMap<>();
    try {
      Admin admin = kafka.admin(cluster);
      Map<String, ObservedTopic> observed = observe(admin, desired);
      Set<String> owned = owned(pipeline, observed);
      TopicPlan plan = TopicPlan.between(desired, observed, owned);
      String refused = apply(admin, plan, pipeline, created);
      if (refused != null) {
        return failing(pipeline, Reason.TOPIC_ERROR, cluster.redact(refused))
            .withDetails(editor -> recordCreated(editor, created));
      }
      return ready(desired, observed, owned, created, plan);
    } catch (KafkaException | ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      Reason reason = unreachable(cause) ? Reason.KAFKA_UNAVAILABLE : Reason.TOPIC_ERROR;
      String message = failureMessage(cluster.bootstrapServers(), cause);
      LOG.warn(
          "{}/{}: {}",
          pipeline.getMetadata().getNamespace(),
          pipeline.getMetadata().getName(),
          cluster.redact(message));
      return failing(pipeline, reason, cluster.redact(message))
          .withDetails(editor -> recordCreated(editor, created));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to Kafka", e);
    }
  }

  /**
   * The topics of the pipeline's status that it created (by Kafka's topic ID): those still in Kafka
   * with the same ID are this pipeline's; a topic deleted and made again by anyone else since has
   * another ID and is not.
   */
  static Map<String, String> recorded(StreamingPipeline pipeline) {
    Map<String, String> ids = new LinkedHashMap<>();
    if (pipeline.getStatus() != null && pipeline.getStatus().getTopics() != null) {
      for (TopicStatus topic : pipeline.getStatus().getTopics()) {
        if (topic.getName() != null && topic.getCreatedTopicId() != null) {
          ids.put(topic.getName(), topic.getCreatedTopicId());
        }
      }
    }
    return ids;
  }

  private static Set<String> owned(
      StreamingPipeline pipeline, Map<String, ObservedTopic> observed) {
    Map<String, String> recorded = recorded(pipeline);
    return observed.values().stream()
        .filter(t -> t.topicId() != null && t.topicId().equals(recorded.get(t.name())))
        .map(ObservedTopic::name)
        .collect(Collectors.toSet());
  }

  /**
   * Adds the IDs of topics just created to status, keeping what it says of the others, so a failing
   * reconcile does not forget what it made.
   */
  private static void recordCreated(StatusEditor editor, Map<String, String> created) {
    if (created.isEmpty()) {
      return;
    }
    List<TopicStatus> topics =
        editor.status().getTopics() == null
            ? new ArrayList<>()
            : new ArrayList<>(editor.status().getTopics());
    created.forEach(
        (name, id) -> {
          TopicStatus entry =
              topics.stream().filter(t -> name.equals(t.getName())).findFirst().orElse(null);
          if (entry == null) {
            entry = new TopicStatus(name, null, false);
            topics.add(entry);
          }
          entry.setCreatedTopicId(id);
        });
    editor.status().setTopics(topics);
  }

  @Override
  public CleanupOutcome cleanup(StreamingPipeline pipeline, Context<StreamingPipeline> context) {
    String who = pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName();
    List<String> names = DesiredTopic.of(pipeline).stream().map(DesiredTopic::name).toList();
    if (pipeline.getSpec().getDeletionPolicy() != DeletionPolicy.Delete) {
      LOG.info("{} deleted: topics {} kept (deletionPolicy Retain)", who, names);
      return CleanupOutcome.done();
    }
    // only topics of the spec this pipeline created, by the ID Kafka gave them then
    Map<String, String> created = new LinkedHashMap<>(recorded(pipeline));
    created.keySet().retainAll(names);
    List<String> foreign = names.stream().filter(n -> !created.containsKey(n)).distinct().toList();
    if (!foreign.isEmpty()) {
      String message =
          "deletionPolicy is Delete, but topics "
              + foreign
              + " were not created by this pipeline and are not deleted";
      LOG.info("{}: {}", who, message);
      events.record(pipeline, EventRecorder.Type.Normal, Reason.TOPIC_NOT_OWNED, message);
    }
    if (created.isEmpty()) {
      return CleanupOutcome.done();
    }
    String uid = pipeline.getMetadata().getUid();
    String failure;
    try {
      KafkaCluster cluster = kafka.clusterOf(pipeline);
      try {
        List<String> deleted = deleteTopics(kafka.admin(cluster), created);
        deleteAttempts.remove(uid);
        LOG.info(
            "{} deleted: topics {} deleted (deletionPolicy Delete; the others of {} were gone or"
                + " made anew by someone else)",
            who,
            deleted,
            created.keySet());
        return CleanupOutcome.done();
      } catch (KafkaException | ExecutionException | java.util.concurrent.TimeoutException e) {
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        failure = cluster.redact("Kafka at " + cluster.bootstrapServers() + ": " + describe(cause));
      }
    } catch (SecretNotFoundException | RefusedSettingException e) {
      failure = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deleting topics", e);
    }
    int attempt = deleteAttempts.merge(uid, 1, Integer::sum);
    if (attempt < DELETE_ATTEMPTS) {
      LOG.warn(
          "{}: deleting topics {} failed (attempt {} of {}), retrying in {}s: {}",
          who,
          created.keySet(),
          attempt,
          DELETE_ATTEMPTS,
          DELETE_RETRY.toSeconds(),
          failure);
      return CleanupOutcome.retryAfter(DELETE_RETRY);
    }
    deleteAttempts.remove(uid);
    String message =
        "deletionPolicy is Delete but topics "
            + created.keySet()
            + " could not be deleted after "
            + attempt
            + " attempts and are left in Kafka; delete them by hand. Last error: "
            + failure;
    LOG.warn("{}: {}", who, message);
    events.record(pipeline, EventRecorder.Type.Warning, Reason.KAFKA_UNAVAILABLE, message);
    return CleanupOutcome.done();
  }

  private static Map<String, ObservedTopic> observe(Admin admin, List<DesiredTopic> desired)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    Set<String> names =
        admin
            .listTopics(new ListTopicsOptions().listInternal(false))
            .names()
            .get(WAIT_MS, TimeUnit.MILLISECONDS);
    List<String> existing =
        desired.stream().map(DesiredTopic::name).filter(names::contains).distinct().toList();
    Map<String, ObservedTopic> observed = new LinkedHashMap<>();
    if (existing.isEmpty()) {
      return observed;
    }
    Map<String, TopicDescription> descriptions =
        admin.describeTopics(existing).allTopicNames().get(WAIT_MS, TimeUnit.MILLISECONDS);
    // only the config keys the spec names are compared, so topics that name none need no
    // describeConfigs call
    List<ConfigResource> configured =
        desired.stream()
            .filter(topic -> !topic.config().isEmpty() && existing.contains(topic.name()))
            .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic.name()))
            .distinct()
            .toList();
    Map<ConfigResource, Config> configs =
        configured.isEmpty()
            ? Map.of()
            : admin.describeConfigs(configured).all().get(WAIT_MS, TimeUnit.MILLISECONDS);
    for (DesiredTopic topic : desired) {
      TopicDescription description = descriptions.get(topic.name());
      if (description == null) {
        continue;
      }
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
      Map<String, String> values = new LinkedHashMap<>();
      for (String key : topic.config().keySet()) {
        ConfigEntry entry = config == null ? null : config.get(key);
        values.put(key, entry == null ? null : entry.value());
      }
      observed.put(
          topic.name(),
          new ObservedTopic(
              topic.name(),
              description.topicId() == null ? null : description.topicId().toString(),
              description.partitions().size(),
              values));
    }
    return observed;
  }

  /** Applies the plan; returns why Kafka refused a topic, or null when everything was applied. */
  private static String apply(
      Admin admin, TopicPlan plan, StreamingPipeline pipeline, Map<String, String> created)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    String who = pipeline.getMetadata().getNamespace() + "/" + pipeline.getMetadata().getName();
    List<String> refusals = new ArrayList<>();
    if (!plan.toCreate().isEmpty()) {
      CreateTopicsResult result =
          admin.createTopics(
              plan.toCreate().stream()
                  .map(
                      t ->
                          new NewTopic(t.name(), t.partitions(), t.replicationFactor())
                              .configs(t.config()))
                  .toList());
      // recorded first, so a later failure of another request does not lose them; a topic someone
      // else created meanwhile (TopicExistsException) is not this pipeline's
      for (DesiredTopic topic : plan.toCreate()) {
        try {
          Uuid id = result.topicId(topic.name()).get(WAIT_MS, TimeUnit.MILLISECONDS);
          if (id != null && !Uuid.ZERO_UUID.equals(id)) {
            created.put(topic.name(), id.toString());
          }
        } catch (ExecutionException e) {
          // refused or existing: said by refusals() below
        }
      }
      refusals.addAll(refusals(result.values(), "create topic", TopicExistsException.class));
      LOG.info(
          "{}: created topics {}",
          who,
          plan.toCreate().stream()
              .filter(t -> created.containsKey(t.name()))
              .map(
                  t ->
                      t.name()
                          + " ("
                          + t.partitions()
                          + " partitions, replication "
                          + t.replicationFactor()
                          + ")")
              .toList());
    }
    if (!plan.toRaise().isEmpty()) {
      refusals.addAll(
          refusals(
              admin
                  .createPartitions(
                      plan.toRaise().entrySet().stream()
                          .collect(
                              Collectors.toMap(
                                  Map.Entry::getKey, e -> NewPartitions.increaseTo(e.getValue()))))
                  .values(),
              "raise partitions of",
              null));
      LOG.info("{}: raised partitions {}", who, plan.toRaise());
    }
    if (!plan.configChanges().isEmpty()) {
      Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
      plan.configChanges()
          .forEach(
              (topic, changes) ->
                  ops.put(
                      new ConfigResource(ConfigResource.Type.TOPIC, topic),
                      changes.entrySet().stream()
                          .map(
                              c ->
                                  new AlterConfigOp(
                                      new ConfigEntry(c.getKey(), c.getValue()),
                                      AlterConfigOp.OpType.SET))
                          .toList()));
      Map<String, KafkaFuture<Void>> byTopic = new LinkedHashMap<>();
      admin
          .incrementalAlterConfigs(ops)
          .values()
          .forEach((resource, future) -> byTopic.put(resource.name(), future));
      refusals.addAll(refusals(byTopic, "change config of", null));
      LOG.info("{}: changed topic configs {}", who, plan.configChanges());
    }
    return refusals.isEmpty() ? null : String.join("; ", refusals);
  }

  /** Waits for each topic's future; Kafka's refusals become messages, unreachability is thrown. */
  private static List<String> refusals(
      Map<String, ? extends KafkaFuture<?>> futures,
      String action,
      Class<? extends Throwable> harmless)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    List<String> refusals = new ArrayList<>();
    for (Map.Entry<String, ? extends KafkaFuture<?>> entry : futures.entrySet()) {
      try {
        entry.getValue().get(WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (harmless != null && harmless.isInstance(cause)) {
          continue; // a concurrent creator won
        }
        if (unreachable(cause)) {
          throw e;
        }
        refusals.add("Kafka refused to " + action + " " + entry.getKey() + ": " + describe(cause));
      }
    }
    return refusals;
  }

  /**
   * Deletes the topics that still have the IDs this pipeline's creation gave them, by ID: a topic
   * of the same name made since by someone else is not touched. Returns the names deleted.
   */
  private static List<String> deleteTopics(Admin admin, Map<String, String> created)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    int timeoutMs = (int) DELETE_CALL_TIMEOUT.toMillis();
    Set<String> existing =
        admin
            .listTopics(new ListTopicsOptions().timeoutMs(timeoutMs))
            .names()
            .get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
    List<String> present = created.keySet().stream().filter(existing::contains).toList();
    if (present.isEmpty()) {
      return List.of();
    }
    Map<String, TopicDescription> found =
        admin
            .describeTopics(present, new DescribeTopicsOptions().timeoutMs(timeoutMs))
            .allTopicNames()
            .get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
    List<String> deleted = new ArrayList<>();
    List<Uuid> ids = new ArrayList<>();
    found.forEach(
        (name, description) -> {
          if (description.topicId() != null
              && description.topicId().toString().equals(created.get(name))) {
            deleted.add(name);
            ids.add(description.topicId());
          }
        });
    if (ids.isEmpty()) {
      return deleted;
    }
    for (KafkaFuture<Void> future :
        admin
            .deleteTopics(
                TopicCollection.ofTopicIds(ids), new DeleteTopicsOptions().timeoutMs(timeoutMs))
            .topicIdValues()
            .values()) {
      try {
        future.get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            && !(e.getCause() instanceof UnknownTopicIdException)) {
          throw e;
        }
      }
    }
    return deleted;
  }

  private StepOutcome ready(
      List<DesiredTopic> desired,
      Map<String, ObservedTopic> observed,
      Set<String> owned,
      Map<String, String> created,
      TopicPlan plan) {
    List<TopicStatus> topics = new ArrayList<>();
    List<String> described = new ArrayList<>();
    for (DesiredTopic topic : desired) {
      ObservedTopic found = observed.get(topic.name());
      int partitions =
          found == null
              ? topic.partitions()
              : plan.notOwned().containsKey(topic.name())
                  ? found.partitions()
                  : Math.max(found.partitions(), topic.partitions());
      TopicStatus status = new TopicStatus(topic.name(), partitions, true);
      if (created.containsKey(topic.name())) {
        status.setCreatedTopicId(created.get(topic.name()));
      } else if (found != null && owned.contains(topic.name())) {
        status.setCreatedTopicId(found.topicId());
      }
      if (topics.stream().noneMatch(t -> t.getName().equals(topic.name()))) {
        topics.add(status);
        described.add(topic.name() + " (" + partitions + ")");
      }
    }
    String message = desired.size() + " topics ready, partitions: " + String.join(", ", described);
    Reason reason = Reason.READY;
    if (!plan.larger().isEmpty()) {
      reason = Reason.PARTITIONS_DECREASED;
      message +=
          ". Kept with more partitions than the spec asks (Kafka cannot remove partitions): "
              + plan.larger().entrySet().stream()
                  .map(e -> e.getKey() + " has " + e.getValue())
                  .collect(Collectors.joining(", "))
              + "; raise spec.kafka.topics[].partitions to match to silence this";
    }
    if (!plan.notOwned().isEmpty()) {
      reason = Reason.TOPIC_NOT_OWNED;
      message +=
          ". "
              + plan.notOwned().entrySet().stream()
                  .map(
                      e ->
                          "Topic "
                              + e.getKey()
                              + " was not created by this pipeline: its config and partitions are"
                              + " left alone and it is not deleted"
                              + (e.getValue().isEmpty()
                                  ? ""
                                  : " (" + String.join("; ", e.getValue()) + ")"))
                  .collect(Collectors.joining(". "));
    }
    return StepOutcome.ready(reason, message)
        .withDetails(editor -> editor.status().setTopics(topics));
  }

  private StepOutcome failing(StreamingPipeline pipeline, Reason reason, String message) {
    return StepOutcome.notReady(reason, message, RetryBackoff.next(pipeline, condition(), clock));
  }

  static boolean unreachable(Throwable error) {
    return error instanceof TimeoutException
        || error instanceof java.util.concurrent.TimeoutException
        || error instanceof DisconnectException
        || error instanceof AuthenticationException
        || (error instanceof KafkaException && !(error instanceof ApiException));
  }

  /**
   * What the condition says when Kafka failed a request: whom to blame first, then Kafka's own
   * words.
   */
  static String failureMessage(String bootstrapServers, Throwable cause) {
    String kafka = "Kafka at " + bootstrapServers;
    if (cause instanceof AuthenticationException) {
      return kafka
          + " refused the operator's credentials; check the Secret named by spec.kafka.clientSecret and"
          + " spec.kafka.clientConfig's security settings: "
          + describe(cause);
    }
    return kafka
        + (unreachable(cause) ? " is unreachable: " : " refused a topic request: ")
        + describe(cause);
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
