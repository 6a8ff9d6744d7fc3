package dev.insight.streaming.job.write;

import com.datastax.oss.driver.api.core.auth.AuthProvider;
import com.datastax.oss.driver.api.core.auth.ProgrammaticPlainTextAuthProvider;
import com.datastax.spark.connector.cql.AuthConf;
import com.datastax.spark.connector.cql.AuthConfFactory;
import java.util.Set;
import org.apache.spark.SparkConf;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Cassandra credentials for the Spark Cassandra connector, read from the environment of whichever
 * JVM opens the session. The SparkConf (which Spark copies to every executor) and the connector's
 * configuration (which travels in every task) carry only the names of the two variables; each
 * executor pod gets their values from its own {@code secretKeyRef}.
 */
public final class EnvironmentAuth implements AuthConfFactory {

  /** SparkConf key naming the variable that holds the user name. */
  public static final String USERNAME_ENV = "spark.cassandra.auth.username.env";

  /** SparkConf key naming the variable that holds the password. */
  public static final String PASSWORD_ENV = "spark.cassandra.auth.password.env";

  /** How the connector is told to use this factory. */
  public static final String FACTORY_KEY = "spark.cassandra.auth.conf.factory";

  /** Turns the environment credentials on in {@code conf}: names of variables only. */
  public static void configure(SparkConf conf, String usernameEnv, String passwordEnv) {
    conf.set(FACTORY_KEY, EnvironmentAuth.class.getName());
    conf.set(USERNAME_ENV, usernameEnv);
    conf.set(PASSWORD_ENV, passwordEnv);
  }

  @Override
  public AuthConf authConf(SparkConf conf) {
    return new Variables(conf.get(USERNAME_ENV), conf.get(PASSWORD_ENV));
  }

  @Override
  public scala.collection.immutable.Set<String> properties() {
    return JavaConverters.asScalaSetConverter(Set.of(USERNAME_ENV, PASSWORD_ENV)).asScala().toSet();
  }

  /**
   * The two variables' names; equal names make equal configurations, so the connector keeps one
   * session per JVM.
   */
  public record Variables(String usernameEnv, String passwordEnv) implements AuthConf {

    @Override
    public Option<AuthProvider> authProvider() {
      return Option.apply(
          new ProgrammaticPlainTextAuthProvider(read(usernameEnv), read(passwordEnv)));
    }

    private static String read(String variable) {
      String value = System.getenv(variable);
      if (value == null) {
        throw new IllegalStateException(
            "environment variable " + variable + " (Cassandra credentials) is not set");
      }
      return value;
    }
  }
}
