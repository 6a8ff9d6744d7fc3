package dev.insight.streaming.embedded;

/** A parent JVM for {@link ServerLifecycleTest}: starts a broker, reports it, then waits to be killed. */
public final class OrphanedParent {

    private OrphanedParent() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        System.out.println("kafka pid=" + kafka.pid() + " dir=" + kafka.dataDir());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
