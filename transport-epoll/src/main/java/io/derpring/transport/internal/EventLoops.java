package io.derpring.transport.internal;

import io.derpring.transport.Transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ThreadFactory;
import net.openhft.affinity.AffinityStrategies;
import net.openhft.affinity.AffinityThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds event loop groups: a shared, configurable pool (default: one thread per core). With pinning on, each loop
 * thread is bound to its own core through OpenHFT affinity; where affinity can't work (no native support, fewer cores
 * than threads) binding is a logged no-op and the threads run unpinned.
 */
public final class EventLoops {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);

    private EventLoops() {
    }

    /** Default loop count: the available cores. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static EventLoopGroup create(final Transport transport, final int threads, final String name,
                                        final boolean pinThreads) {
        if (threads < 1) {
            throw new IllegalArgumentException("event loop threads = " + threads + ", need at least 1");
        }
        return new MultiThreadIoEventLoopGroup(threads, threadFactory(name, pinThreads), transport.ioHandlerFactory());
    }

    /**
     * Daemon threads named {@code name}, each bound to its own core when {@code pinThreads} is on and pinning
     * works here (else unpinned, logged). Also makes the ring's stage thread when the I/O loops are pinned.
     */
    public static ThreadFactory threadFactory(final String name, final boolean pinThreads) {
        if (pinThreads) {
            try {
                return new AffinityThreadFactory(name, true, AffinityStrategies.DIFFERENT_CORE);
            } catch (final RuntimeException | LinkageError e) {
                LOG.warn("thread pinning unavailable ({}); event loop threads run unpinned", e.toString());
            }
        }
        return new DefaultThreadFactory(name, true);
    }
}
