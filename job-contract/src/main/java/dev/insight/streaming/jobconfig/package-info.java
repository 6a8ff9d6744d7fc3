/**
 * The JobConfig: what the operator tells the job to run, as records both sides compile against (the
 * operator renders them into the driver's ConfigMap, the job parses and validates them).
 */
package dev.insight.streaming.jobconfig;
