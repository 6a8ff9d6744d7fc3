package dev.insight.streaming.job.write;

import java.io.Serializable;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * The partition writer as the function {@code SparkContext.runJob} takes, and the way to run it on
 * every partition of a batch ({@link #runOn}).
 *
 * <p>{@code foreachPartition} (Java API or Scala) wraps the function in Scala lambdas, and Spark's
 * closure cleaner then reads each lambda's enclosing class with ASM, on every batch: that was the
 * largest share of the batch thread's CPU in the sink benchmark, and it kept the JIT compiling ASM
 * minutes into a run. A named function class is not a closure, so the cleaner leaves it as it is.
 */
public final class PartitionFunction
    extends AbstractFunction2<TaskContext, Iterator<ConsumerRecord<byte[], byte[]>>, BoxedUnit>
    implements Serializable {

  private static final long serialVersionUID = 1L;

  private final PartitionWriter writer;

  public PartitionFunction(PartitionWriter writer) {
    this.writer = writer;
  }

  @Override
  public BoxedUnit apply(TaskContext task, Iterator<ConsumerRecord<byte[], byte[]>> records) {
    writer.call(JavaConverters.asJavaIterator(records));
    return BoxedUnit.UNIT;
  }

  /** Runs the writer on every partition of {@code rdd} and returns when all are written. */
  public void runOn(RDD<ConsumerRecord<byte[], byte[]>> rdd) {
    SparkContext context = rdd.context();
    context.runJob(
        rdd,
        this,
        JavaConverters.asScalaBuffer(
                IntStream.range(0, rdd.getNumPartitions()).<Object>mapToObj(i -> i).toList())
            .toSeq(),
        new AbstractFunction2<Object, BoxedUnit, BoxedUnit>() {
          @Override
          public BoxedUnit apply(Object partition, BoxedUnit result) {
            return BoxedUnit.UNIT; // nothing to collect: each task wrote its rows
          }
        },
        ClassTag$.MODULE$.apply(BoxedUnit.class));
  }
}
