package dev.insight.streaming.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {

  @Test
  void checkedInCrdListsColumnsAsKubectlShouldShowThem() throws Exception {
    String crd =
        Files.readString(Path.of("../crds/streamingpipelines.streaming.insight.dev-v1.yml"));
    String block =
        crd.substring(crd.indexOf("additionalPrinterColumns:"), crd.indexOf("name: \"v1alpha1\""));
    Matcher names = Pattern.compile("name: \"([A-Za-z]+)\"").matcher(block);
    List<String> found = names.results().map(m -> m.group(1)).toList();
    assertThat(found).containsExactly("Phase", "Ready", "Lag", "Behind", "Driver", "Age");
  }

  @Test
  void reorderKeepsEveryLineOfEachItemAndPutsUnknownNamesLast() {
    String yaml =
        String.join(
            "\n",
            "spec:",
            "  versions:",
            "  - additionalPrinterColumns:",
            "    - jsonPath: \".b\"",
            "      name: \"B\"",
            "      type: \"string\"",
            "    - jsonPath: \".x\"",
            "      name: \"X\"",
            "    - jsonPath: \".a\"",
            "      name: \"A\"",
            "    name: \"v1\"");
    String ordered = PrinterColumnOrder.reorder(yaml, List.of("A", "B"));
    assertThat(ordered)
        .isEqualTo(
            String.join(
                "\n",
                "spec:",
                "  versions:",
                "  - additionalPrinterColumns:",
                "    - jsonPath: \".a\"",
                "      name: \"A\"",
                "    - jsonPath: \".b\"",
                "      name: \"B\"",
                "      type: \"string\"",
                "    - jsonPath: \".x\"",
                "      name: \"X\"",
                "    name: \"v1\""));
  }
}
