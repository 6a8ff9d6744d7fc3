/**
 * What the sinks look like, shared by the job and the operator: the table and collection schemas
 * rows are written to, and the offset stores that keep each partition's next offset beside the rows
 * (the job writes both; the operator creates the schemas and reads the offsets for lag).
 */
package dev.insight.streaming.sinkstores;
