package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.derpring.derpmap.TransportSecurity;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Allocations;
import io.derpring.transport.Transport;
import io.netty.util.ResourceLeakDetector;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Allocation guard for the steady state on the native transports over plain TCP: A sends to B through the loopback
 * relay; the sender thread and the (shared) event loop thread must allocate (almost) nothing per packet. JMH
 * {@code -prof gc} gives the figure that counts; this catches a regression in every build.
 */
@Timeout(120)
class SteadyStateAllocationTest {
    static final ClientHarness HARNESS = new ClientHarness();
    static final int PACKETS = Integer.getInteger("allocPackets", 20_000);
    /**
     * Allowed average per packet on epoll, sender and loop together: derpring's path allocates nothing (measured 0
     * to 0.2 B/packet, Netty's task-queue chunks amortised); any per-packet object would be 16+ bytes.
     */
    static final long MAX_BYTES_PER_PACKET_EPOLL = 2;
    /**
     * io_uring: Netty 4.2.18's io_uring transport allocates one {@code IoUringIoOps} per submitted recv/send/writev
     * (its own code, not ours). How many submissions a packet costs depends on batching: ~17 B/packet on an idle
     * machine, 54 B/packet on a loaded 2-core CI runner where almost nothing batches (a send and a re-armed recv per
     * packet). The bound is that unbatched worst case; derpring's own per-packet path is the same code on both
     * native transports, and the epoll bound above is the guard that catches an allocation added there.
     */
    static final long MAX_BYTES_PER_PACKET_IO_URING = 128;
    /** Measured rounds; the fewest bytes count, so a JIT compilation or a pool growth inside one round is not read
     * as a per-packet allocation (which would show in every round). */
    static final int ROUNDS = 3;

    final NodePrivateKey keyA = NodePrivateKey.generate();
    final NodePrivateKey keyB = NodePrivateKey.generate();

    static List<Transport> nativeTransports() {
        return Transport.available().stream().filter(t -> t != Transport.NIO).toList();
    }

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nativeTransports")
    void steadyStateSendAndReceiveAllocateNothingPerPacket(final Transport transport) throws Exception {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (MiniDerpServer server = new MiniDerpServer(null);
             TestRing ringA = new TestRing(1024);
             TestRing ringB = new TestRing(1024, keyA.publicKey())) {
            ringB.copyPackets = false;
            final DerpNodeConnection a = connect(transport, server, keyA, ringA);
            final DerpNodeConnection b = connect(transport, server, keyB, ringB);
            try {
                final long loopThread = a.eventLoop().submit(() -> Thread.currentThread().getId())
                    .get(10, TimeUnit.SECONDS);
                final UnsafeBuffer packet = new UnsafeBuffer(new byte[1200]);
                // Paranoid leak detection (the build's default) records a stack trace per ByteBuf: a test aid, not
                // the product. Off while measuring only; every other test keeps it.
                final ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
                ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
                long sender = Long.MAX_VALUE;
                long loop = Long.MAX_VALUE;
                try {
                    run(a, ringB, packet, PACKETS); // warm up: JIT, pools, the loop's task-queue chunks
                    for (int round = 0; round < ROUNDS; round++) {
                        final long loopBefore = threads.getThreadAllocatedBytes(loopThread);
                        final long senderBefore = Allocations.allocatedByThisThread();
                        run(a, ringB, packet, PACKETS);
                        final long senderRound = Allocations.allocatedByThisThread() - senderBefore;
                        final long loopRound = threads.getThreadAllocatedBytes(loopThread) - loopBefore;
                        if (senderRound + loopRound < sender + loop || round == 0) {
                            sender = senderRound;
                            loop = loopRound;
                        }
                    }
                } finally {
                    ResourceLeakDetector.setLevel(leakLevel);
                }
                System.out.printf("%s: %d packets, sender %d B, event loop %d B%n", transport.cliName(), PACKETS,
                    sender, loop);
                final long bound = transport == Transport.IO_URING ? MAX_BYTES_PER_PACKET_IO_URING
                    : MAX_BYTES_PER_PACKET_EPOLL;
                assertThat(sender).as("sender thread bytes for %d packets", PACKETS).isLessThanOrEqualTo(4096);
                assertThat(sender + loop).as("bytes allocated for %d packets (sender %d, loop %d)", PACKETS,
                    sender, loop).isLessThanOrEqualTo(bound * PACKETS);
                assertThat(a.counters().get(ClientCounter.DROPPED_QUEUE_OLDEST)).isZero();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private DerpNodeConnection connect(final Transport transport, final MiniDerpServer server,
                                       final NodePrivateKey key, final TestRing ring) throws Exception {
        final DerpNodeConnection c = DerpNodeConnection.builder()
            .transport(transport, HARNESS.group(transport))
            .node(ClientHarness.node("derp.test", server.port()))
            .security(new TransportSecurity.PlainHttp())
            .privateKey(key)
            .ring(ring.ring, ClientHarness.REGION)
            .build();
        return c.connect().get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code n} packets without overrunning the queue and waits until B's ring has them all. */
    private void run(final DerpNodeConnection a, final TestRing ringB, final UnsafeBuffer packet, final int n) {
        final long target = ringB.count.get() + n;
        for (int i = 0; i < n; i++) {
            while (a.queuedPackets() >= 24) {
                LockSupport.parkNanos(10_000);
            }
            a.send(keyB.publicKey(), packet, 0, packet.capacity());
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ringB.count.get() < target) {
            if (System.nanoTime() - deadlineNs > 0) { // not an assertion per iteration: that would allocate
                throw new AssertionError("only " + ringB.count.get() + " of " + target + " packets delivered");
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
