package io.derpring.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

/**
 * Builds event loop groups: a shared, configurable pool (default: one thread per core). With pinning on, each loop
 * thread is bound to its own core through OpenHFT affinity; where affinity can't work (the optional affinity or JNA
 * jar absent, no native support, fewer cores than threads) binding is a logged no-op and the threads run unpinned
 * (see {@link ThreadPinning}).
 */
public final class EventLoops {
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
        return new MultiThreadIoEventLoopGroup(threads, ThreadPinning.threadFactory(name, pinThreads),
            transport.ioHandlerFactory());
    }
}
