package dev.insight.streaming.embedded;

import java.nio.file.Path;

/**
 * A parent JVM for {@link ServerLifecycleTest}: starts a broker (in the folder given as the argument, if any), reports
 * it, then waits to be killed.
 */
public final class OrphanedParent {

    private OrphanedParent() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = args.length > 0 ? EmbeddedKafka.builder().dataDir(Path.of(args[0])).start()
                : EmbeddedKafka.start();
        System.out.println("kafka pid=" + kafka.pid() + " dir=" + kafka.dataDir());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
