package dev.insight.streaming.job.transform;

import java.util.Map;

/** One output row: its deterministic id and its field values, in the configured field order. */
public record SinkRow(String id, Map<String, Object> fields) {}
