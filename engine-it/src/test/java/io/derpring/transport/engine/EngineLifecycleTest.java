package io.derpring.transport.engine;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.transport.engine.LoopbackRegions.R900;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.derpring.transport.Transport;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 50 start/close cycles of a real engine with its own event loops (zero quiet period) against a loopback relay:
 * after each close no {@code derpring-*} thread is left (engine conductor, inbound stages, the engine's Netty loops),
 * and direct memory stops growing (cycle 10 vs cycle 50).
 */
@Timeout(300)
class EngineLifecycleTest {
    private static final int CYCLES = 50;
    private static final int BASELINE_CYCLE = 10;
    private static final Duration WAIT = Duration.ofSeconds(20);
    /**
     * Allowed growth of direct memory from cycle 10 to cycle 50. A leak of the smallest thing an engine allocates
     * off-heap per cycle (its inbound ring, 64 slots x 2 KiB = 128 KiB; per-region queues 40 x 2 KiB) would add
     * well over this in 40 cycles; pooled allocator chunks (4 MiB for Netty's adaptive/pooled arenas) may appear once.
     */
    private static final long DIRECT_GROWTH_TOLERANCE_BYTES = 4L << 20;

    @Test
    @DisplayName("50 start/close cycles: derpring threads return to zero and direct memory stops growing")
    void startCloseCyclesLeaveNoThreadsAndDirectMemoryStopsGrowing() throws Exception {
        final Transport transport = Transport.detect();
        final List<String> rows = new ArrayList<>();
        long directAt10 = 0;
        long nettyAt10 = 0;
        try (LoopbackRegions regions = new LoopbackRegions(transport)) {
            assertThat(derpringThreads()).as("before the first engine").isEmpty();
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                final LoopbackPeer a = new LoopbackPeer("a" + cycle, transport, Duration.ofSeconds(60));
                try {
                    a.netmap(a, R900).join(regions.map(), R900);
                    awaitTrue("cycle " + cycle + ": home connected",
                        () -> a.connected(R900) && regions.connectedAt(R900, a.key()), WAIT);
                    final int seq = cycle;
                    a.send(a, seq, 1200); // to ourselves through the relay: the whole path carries a packet
                    awaitTrue("cycle " + cycle + ": packet back", () -> a.receivedFrom(a, R900, seq), WAIT);
                } finally {
                    a.close();
                }
                awaitTrue("cycle " + cycle + ": no derpring thread left", () -> derpringThreads().isEmpty(), WAIT);
                if (cycle == BASELINE_CYCLE || cycle == CYCLES || cycle % 10 == 0) {
                    settleDirectMemory();
                    long direct = directUsed();
                    long netty = PlatformDependent.usedDirectMemory();
                    if (cycle == CYCLES) {
                        // Cleaners run on their own thread, which a busy machine may starve: give freed buffers up to
                        // SETTLE_TIMEOUT to show as freed. A real leak never settles, so it still fails below.
                        final long settleDeadlineNs = System.nanoTime() + SETTLE_TIMEOUT_NS;
                        while ((direct > directAt10 + DIRECT_GROWTH_TOLERANCE_BYTES
                                || netty > nettyAt10 + DIRECT_GROWTH_TOLERANCE_BYTES)
                            && System.nanoTime() - settleDeadlineNs < 0) {
                            settleDirectMemory();
                            direct = directUsed();
                            netty = PlatformDependent.usedDirectMemory();
                        }
                    }
                    rows.add(String.format("cycle %2d: direct buffer pool %,d B, Netty usedDirectMemory %,d B",
                        cycle, direct, netty));
                    if (cycle == BASELINE_CYCLE) {
                        directAt10 = direct;
                        nettyAt10 = netty;
                    }
                    if (cycle == CYCLES) {
                        rows.forEach(System.out::println);
                        assertThat(direct).as("JDK direct memory, cycle 50 vs cycle 10")
                            .isLessThanOrEqualTo(directAt10 + DIRECT_GROWTH_TOLERANCE_BYTES);
                        if (netty >= 0) { // -1 when Netty does not track it (no cleaner-free allocation)
                            assertThat(netty).as("Netty direct memory, cycle 50 vs cycle 10")
                                .isLessThanOrEqualTo(nettyAt10 + DIRECT_GROWTH_TOLERANCE_BYTES);
                        }
                    }
                }
            }
        }
    }

    /** Threads the engine creates: conductor, inbound stages and its Netty loops all start with "derpring". */
    private static List<String> derpringThreads() {
        final List<String> names = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("derpring")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static long directUsed() {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }

    private static final long SETTLE_TIMEOUT_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /** Direct ByteBuffers are freed by their cleaners after a GC: collect, then give reference processing time. */
    private static void settleDirectMemory() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            LockSupport.parkNanos(50_000_000);
        }
    }
}
