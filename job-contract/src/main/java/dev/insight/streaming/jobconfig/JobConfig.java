package dev.insight.streaming.jobconfig;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The document the operator renders and the job runs: one pipeline, validated, with defaults
 * applied.
 */
public record JobConfig(
    PipelineRef pipeline,
    KafkaConfig kafka,
    StreamConfig stream,
    TransformConfig transform,
    SinksConfig sinks,
    DeadLetterConfig deadLetter)
    implements Serializable {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  public JobConfig {
    stream = stream == null ? StreamConfig.defaults() : stream;
    transform = transform == null ? TransformConfig.defaults() : transform;
    kafka = kafka == null ? null : kafka.withDefaultGroup(pipeline);
    if (deadLetter == null || deadLetter.topic() == null) {
      deadLetter =
          pipeline == null || pipeline.name() == null
              ? deadLetter
              : new DeadLetterConfig(
                  (pipeline.namespace() == null ? "" : pipeline.namespace() + ".")
                      + pipeline.name()
                      + ".dlq");
    }
  }

  /**
   * Parses and validates a JobConfig document.
   *
   * @throws InvalidJobConfigException listing every problem, each naming its field ({@code
   *     kafka.topics[0]: ...})
   */
  public static JobConfig parse(String json) {
    JobConfig config;
    try {
      config = MAPPER.readValue(json, JobConfig.class);
    } catch (JsonMappingException e) {
      throw new InvalidJobConfigException(List.of(path(e) + ": " + e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      throw new InvalidJobConfigException(
          List.of("(document): not JSON: " + e.getOriginalMessage()));
    }
    if (config == null) {
      throw new InvalidJobConfigException(List.of("(document): is empty"));
    }
    config.validate();
    return config;
  }

  /** Reads and parses a JobConfig file. */
  public static JobConfig read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JobConfig " + file, e);
    }
  }

  /**
   * This config as JSON (as parse accepts it), after the same validation parse applies.
   *
   * @throws InvalidJobConfigException listing every problem
   */
  public String toJson() {
    validate();
    try {
      return MAPPER.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void validate() {
    Problems p = new Problems();
    if (p.required("pipeline", pipeline)) {
      pipeline.validate(p);
    }
    if (p.required("kafka", kafka)) {
      kafka.validate(p);
    }
    stream.validate(p);
    transform.validate(p);
    if (p.required("sinks", sinks)) {
      sinks.validate(p, transform);
    }
    if (deadLetter != null) {
      deadLetter.validate(p);
      if (kafka != null && kafka.topics().contains(deadLetter.topic())) {
        p.add("deadLetter.topic", "must not be one of kafka.topics");
      }
    }
    p.throwIfAny();
  }

  private static String path(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining());
    return path.isEmpty() ? "(document)" : path.substring(path.startsWith(".") ? 1 : 0);
  }
}
