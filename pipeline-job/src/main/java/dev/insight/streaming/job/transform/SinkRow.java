package dev.insight.streaming.job.transform;

import java.util.Map;

/**
 * One output row: its deterministic id, its field values in the configured field order, and the
 * version of the record it came from (a row is never replaced by an older version).
 */
public record SinkRow(String id, Map<String, Object> fields, RowVersion version) {}
