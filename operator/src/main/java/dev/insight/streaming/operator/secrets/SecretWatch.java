package dev.insight.streaming.operator.secrets;

import dev.insight.streaming.operator.api.StreamingPipeline;
import dev.insight.streaming.operator.api.StreamingPipelineSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reconciles every pipeline that names a Secret when that Secret is created, changed or deleted: a
 * missing Secret that appears unblocks its pipelines at once, and a changed one lets the driver
 * step start the driver anew with the new values.
 *
 * <p>The informer keeps each Secret's metadata only: the operator reads values when it needs them,
 * so no value sits in its cache, and Secrets no pipeline names (Helm releases, tokens) cost a few
 * hundred bytes each.
 */
public final class SecretWatch {

  /** Index of the primary cache: a pipeline under each {@code namespace/secret} its spec names. */
  static final String INDEX = "streaming-pipeline-secrets";

  private SecretWatch() {}

  /** The names of the Secrets {@code spec} refers to, sorted. */
  public static Set<String> referencedNames(StreamingPipelineSpec spec) {
    Set<String> names = new TreeSet<>();
    if (spec == null) {
      return names;
    }
    Optional.ofNullable(spec.getKafka())
        .map(k -> k.getClientSecret())
        .map(r -> r.getName())
        .ifPresent(names::add);
    Optional.ofNullable(spec.getSinks())
        .map(s -> s.getCassandra())
        .map(c -> c.getCredentialsSecret())
        .map(r -> r.getName())
        .ifPresent(names::add);
    Optional.ofNullable(spec.getSinks())
        .map(s -> s.getMongodb())
        .map(m -> m.getUriSecret())
        .map(r -> r.getName())
        .ifPresent(names::add);
    return names;
  }

  /** The event source; indexes the primary cache by the Secrets each pipeline names. */
  public static InformerEventSource<Secret, StreamingPipeline> events(
      EventSourceContext<StreamingPipeline> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            INDEX,
            pipeline ->
                referencedNames(pipeline.getSpec()).stream()
                    .map(name -> key(pipeline.getMetadata().getNamespace(), name))
                    .toList());
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Secret.class, StreamingPipeline.class)
            .withName("referenced-secrets")
            .withItemStore(new MetadataOnlyStore())
            .withSecondaryToPrimaryMapper(secret -> pipelinesNaming(context, secret))
            .build(),
        context);
  }

  private static Set<ResourceID> pipelinesNaming(
      EventSourceContext<StreamingPipeline> context, Secret secret) {
    List<StreamingPipeline> pipelines =
        context
            .getPrimaryCache()
            .byIndex(
                INDEX, key(secret.getMetadata().getNamespace(), secret.getMetadata().getName()));
    return pipelines.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /**
   * The informer's store: each Secret without its data, so no value is held longer than a reconcile
   * needs it.
   */
  static final class MetadataOnlyStore extends BasicItemStore<Secret> {

    MetadataOnlyStore() {
      super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Secret put(String key, Secret secret) {
      return super.put(key, withoutValues(secret));
    }

    static Secret withoutValues(Secret secret) {
      return new SecretBuilder()
          .withApiVersion(secret.getApiVersion())
          .withKind(secret.getKind())
          .withMetadata(secret.getMetadata())
          .withType(secret.getType())
          .build();
    }
  }
}
