package io.derpring.transport;

import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.transport.engine.NettyDerpEngine;
import io.derpring.transport.internal.EventLoops;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link ThreadPinningFallbackTest} in a JVM whose classpath lacks OpenHFT affinity and JNA: starts an engine
 * and a relay-style event loop group, both asking for pinned threads, runs a task on the group, and prints what it
 * saw as {@code key=value} lines. A {@link NoClassDefFoundError} anywhere makes it exit non-zero.
 */
public final class PinningFallbackProbe {
    private static final int LOOP_THREADS = 2;

    private PinningFallbackProbe() {
    }

    public static void main(final String[] args) throws Exception {
        System.out.println("affinityLoadable=" + loadable(ThreadPinning.AFFINITY_PROBE_CLASS));
        System.out.println("jnaLoadable=" + loadable(ThreadPinning.JNA_PROBE_CLASS));
        try (NettyDerpEngine engine = NettyDerpEngine.builder()
                .transport(Transport.NIO)
                .ioThreads(LOOP_THREADS)
                .pinIoThreads(true)
                .keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
                .dataplane((peer, region, buffer, offset, length) -> { })
                .build()
                .start()) {
            System.out.println("engineStarted=true");
        }
        final long afterEngine = ThreadPinning.unpinnedRequests();
        System.out.println("engineUnpinnedRequests=" + afterEngine);
        final EventLoopGroup group = EventLoops.create(Transport.NIO, LOOP_THREADS, "probe-pinned", true);
        try {
            final String thread = group.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            System.out.println("loopRan=" + thread.startsWith("probe-pinned"));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        System.out.println("status=" + ThreadPinning.status());
        System.out.println("missingLibrary=" + ThreadPinning.missingLibrary());
        System.out.println("groupUnpinnedRequests=" + (ThreadPinning.unpinnedRequests() - afterEngine));
    }

    private static boolean loadable(final String className) {
        try {
            Class.forName(className, false, PinningFallbackProbe.class.getClassLoader());
            return true;
        } catch (final ClassNotFoundException e) {
            return false;
        }
    }
}
