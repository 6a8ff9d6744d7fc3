package dev.insight.streaming.operator.driver;

import dev.insight.streaming.operator.api.StreamingPipeline;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * An object bearing a name derived from the pipeline exists and is not controlled by it: the
 * operator leaves it alone and reports {@code NameConflict} with this message.
 */
public final class NameConflictException extends RuntimeException {

  NameConflictException(HasMetadata found, StreamingPipeline pipeline) {
    super(message(found, pipeline));
  }

  private static String message(HasMetadata found, StreamingPipeline pipeline) {
    String owner =
        DriverNames.controller(found)
            .map(NameConflictException::describe)
            .orElse("no controller owner reference");
    return found.getKind()
        + " "
        + found.getMetadata().getName()
        + " exists with "
        + owner
        + ", not this pipeline ("
        + pipeline.getMetadata().getName()
        + "): the operator neither changes nor deletes it, and the driver is not started until it"
        + " is gone or renamed";
  }

  private static String describe(OwnerReference owner) {
    return "controller "
        + owner.getKind()
        + " "
        + owner.getName()
        + " (uid "
        + owner.getUid()
        + ")";
  }
}
