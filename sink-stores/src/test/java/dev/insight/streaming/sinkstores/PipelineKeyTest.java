package dev.insight.streaming.sinkstores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PipelineKeyTest {

  @Test
  void storedFormIsNamespaceSlashNameAndParsesBack() {
    PipelineKey key = new PipelineKey("team-a", "orders");
    assertThat(key.key()).isEqualTo("team-a/orders");
    assertThat(PipelineKey.parse("team-a/orders")).isEqualTo(key);
  }

  @Test
  void rejectsPartsThatWouldMakeTheKeyAmbiguous() {
    assertThatThrownBy(() -> new PipelineKey("a/b", "c"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PipelineKey("", "c")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PipelineKey.parse("nonamespace"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
