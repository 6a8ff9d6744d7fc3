package dev.insight.streaming.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.insight.streaming.operator.config.OperatorSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line the chart writes becomes the operator's settings. */
class OperatorMainTest {

  @Test
  void theNamespacesAndTheDriverClusterRoleTheChartPassesAreTheSettings() {
    OperatorSettings settings =
        settings(
            "--namespaces=team-a, team-b",
            "--driver-cluster-role=spo-streaming-pipeline-operator-driver",
            "--leader-election=false");
    assertThat(settings.namespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    assertThat(settings.watchesAllNamespaces()).isFalse();
    assertThat(settings.driverClusterRole()).isEqualTo("spo-streaming-pipeline-operator-driver");
  }

  @Test
  void anEmptyDriverClusterRoleIsRefused() {
    assertThatThrownBy(() -> settings("--driver-cluster-role= "))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--driver-cluster-role must name a ClusterRole");
  }

  @Test
  void mongoMechanismsThatTakeAmbientCredentialsAreAllowedOnlyWhenListed() {
    assertThat(settings().mongoAuthMechanisms()).isEmpty();
    assertThat(settings("--allow-mongodb-auth=MONGODB-AWS,GSSAPI").mongoAuthMechanisms())
        .containsExactlyInAnyOrder("MONGODB-AWS", "GSSAPI");
    assertThatThrownBy(() -> settings("--allow-mongodb-auth=SCRAM-SHA-1"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--allow-mongodb-auth SCRAM-SHA-1 is not one of");
  }

  private static OperatorSettings settings(String... args) {
    OperatorMain main = new OperatorMain();
    new CommandLine(main).parseArgs(args);
    return main.settings();
  }
}
