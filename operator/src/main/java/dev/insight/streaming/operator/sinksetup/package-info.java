/**
 * The operator's side of the sinks: the reconcile step that readies keyspaces, tables, collections
 * and offset stores before the driver starts, and the shared connections the lag monitor reads
 * stored offsets through.
 */
package dev.insight.streaming.operator.sinksetup;
