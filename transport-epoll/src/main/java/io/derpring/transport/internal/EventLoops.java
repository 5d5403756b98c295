package io.derpring.transport.internal;

import io.derpring.transport.ThreadPinning;
import io.derpring.transport.Transport;

import io.derpring.runtime.InvalidConfigException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUringIoHandler;
import java.util.concurrent.ThreadFactory;

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
        return new MultiThreadIoEventLoopGroup(threads, threadFactory(name, pinThreads), transport.ioHandlerFactory());
    }

    /**
     * The transport an embedder's group runs, so connections on it get matching channels (registering an epoll
     * channel on a NIO loop fails only at connect time; this fails when the engine is built).
     *
     * @throws InvalidConfigException the group is not a Netty 4.2 {@link IoEventLoopGroup} of a known transport
     */
    public static Transport transportOf(final EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup) {
            final IoEventLoopGroup io = (IoEventLoopGroup) group;
            for (final Transport t : Transport.values()) {
                if (io.isIoType(ioHandlerType(t))) {
                    return t;
                }
            }
        }
        throw new InvalidConfigException("eventLoopGroup must be a Netty 4.2 IoEventLoopGroup (e.g. "
            + "MultiThreadIoEventLoopGroup) of io_uring, epoll or NIO; got " + group.getClass().getName());
    }

    private static Class<? extends IoHandler> ioHandlerType(final Transport transport) {
        switch (transport) {
            case IO_URING:
                return IoUringIoHandler.class;
            case EPOLL:
                return EpollIoHandler.class;
            case NIO:
            default:
                return NioIoHandler.class;
        }
    }

    /**
     * Daemon threads named {@code name}, each bound to its own core when {@code pinThreads} is on and pinning
     * works here (else unpinned, logged once; see {@link ThreadPinning}). Also makes the ring's stage thread when the
     * I/O loops are pinned.
     */
    public static ThreadFactory threadFactory(final String name, final boolean pinThreads) {
        return ThreadPinning.threadFactory(name, pinThreads);
    }
}
