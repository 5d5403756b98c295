package io.derpring.jmh.pipeline;

import java.util.concurrent.ThreadFactory;

import net.openhft.affinity.Affinity;

/**
 * Where the pipeline benchmarks put the producer (the I/O thread's stand-in) and the consumer (the ring's stage
 * thread, or the reference's consumer) on the box's CPUs. On 2 shared cores the unpinned ring is bimodal (3.8 M or
 * 7.7 M frames/s by where the scheduler puts the two threads): pinning them says which placement is which. Issue 15.
 */
public enum Pinning {
    /** The scheduler decides (the recorded bimodal runs). */
    NONE(-1, -1),
    /** Producer on CPU 0, consumer on CPU 1: the placement a pinned embedder would choose. */
    APART(0, 1),
    /** Both on CPU 0: they take turns on one core. */
    SAME(0, 0);

    private final int producerCpu;
    private final int consumerCpu;

    Pinning(final int producerCpu, final int consumerCpu) {
        this.producerCpu = producerCpu;
        this.consumerCpu = consumerCpu;
    }

    /** Pins the calling thread (a JMH worker: the producer) where this placement puts it. */
    public void pinProducer() {
        pin(producerCpu);
    }

    /** Pins the calling thread (the consumer) where this placement puts it. */
    public void pinConsumer() {
        pin(consumerCpu);
    }

    /** Daemon threads pinned as the consumer; null for {@link #NONE} (the ring's own threads). */
    public ThreadFactory consumerThreads(final String name) {
        if (this == NONE) {
            return null;
        }
        return r -> {
            final Thread t = new Thread(() -> {
                pinConsumer();
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static void pin(final int cpu) {
        if (cpu < 0) {
            return;
        }
        Affinity.setAffinity(cpu);
        if (Affinity.getCpu() != cpu) {
            throw new IllegalStateException("pinned to CPU " + cpu + " but running on " + Affinity.getCpu()
                + " (affinity " + Affinity.getAffinity() + ")");
        }
    }
}
