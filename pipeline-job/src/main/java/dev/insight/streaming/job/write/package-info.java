/**
 * The job's writers: each Spark task's rows to Cassandra and MongoDB (idempotent upserts, then the
 * partition's offset in the same store) and rejected records to the dead-letter topic.
 */
package dev.insight.streaming.job.write;
