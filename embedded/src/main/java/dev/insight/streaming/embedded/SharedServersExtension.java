package dev.insight.streaming.embedded;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: starts the servers a test class asks for (once per JVM via SharedServers) and
 * injects them as parameters.
 *
 * <p>Declare a parameter of type {@link EmbeddedKafka}, {@link EmbeddedKafkaCluster}, {@link
 * EmbeddedCassandra}, {@link EmbeddedMongo} or {@link EmbeddedKubernetes} on a constructor, a
 * lifecycle method ({@code @BeforeAll} needs it static) or a test method; only the servers asked
 * for are started. They are shared by every test class of the JVM and stopped when it exits: tests
 * must not stop them.
 */
public final class SharedServersExtension implements ParameterResolver {

  private static final Map<Class<?>, Supplier<?>> SERVERS =
      Map.of(
          EmbeddedKafka.class, SharedServers::kafka,
          EmbeddedKafkaCluster.class, SharedServers::kafkaCluster,
          EmbeddedCassandra.class, SharedServers::cassandra,
          EmbeddedMongo.class, SharedServers::mongo,
          EmbeddedKubernetes.class, SharedServers::kubernetes);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return SERVERS.containsKey(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return SERVERS.get(parameter.getParameter().getType()).get();
    } catch (EmbeddedServerException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
  }
}
