package dev.insight.streaming.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Fails the build when crds/ no longer matches the CRD generated from the Java model. */
class CrdStalenessTest {

  @Test
  void checkedInCrdMatchesTheGeneratedOne() throws IOException {
    var generated = CrdFiles.generatedCrdFile();
    var checkedIn = CrdFiles.checkedInCrdFile();
    assertThat(generated).as("generated CRD (run the build's process-classes phase)").exists();
    assertThat(checkedIn).as("checked-in CRD").exists();

    assertThat(Files.readString(checkedIn))
        .as(
            "%s is stale: regenerate it with `./mvnw -q -B -pl operator -am -Dupdate-crds -DskipTests"
                + " process-classes` and commit the result",
            checkedIn.normalize())
        .isEqualTo(Files.readString(generated));
  }
}
