package io.derpring.internal.netmap;

import io.derpring.netmap.Netmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.derpring.keys.DiscoKey;
import io.derpring.keys.NodeKey;

/**
 * The hot-path lookups allocate nothing (STYLE §6.6): after warm-up, a million lookups (hits and misses) allocate
 * less than {@link #BOUND_BYTES} on this thread. Counts bytes, never time. JMH {@code -prof gc} is the real measure.
 */
class NetmapAllocationTest {
    /** Far below one allocation per lookup (a million lookups), above measurement noise. */
    private static final long BOUND_BYTES = 4 * 1024;
    private static final int PEERS = 1_000;
    private static final int LOOKUPS = 1_000_000;
    private static final int WARMUP_ROUNDS = 5;

    private static com.sun.management.ThreadMXBean threads;
    private static Netmap netmap;
    private static UnsafeBuffer wire;
    private static NodeKey someKey;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
            "needs com.sun.management.ThreadMXBean");
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation counting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);
        final SplittableRandom random = new SplittableRandom(0xa110cL);
        final Netmap.Builder builder = Netmap.builder();
        // The wire holds PEERS member node keys, then PEERS non-member keys, 32 bytes apart.
        wire = new UnsafeBuffer(new byte[2 * PEERS * 32]);
        final byte[] key = new byte[32];
        for (int i = 0; i < 2 * PEERS; i++) {
            random.nextBytes(key);
            wire.putBytes(i * 32, key);
            if (i < PEERS) {
                final NodeKey nodeKey = NodeKey.fromBytes(key);
                builder.addPeer(nodeKey, DiscoKey.fromBytes(key), i % 5);
                someKey = nodeKey;
            }
        }
        netmap = builder.build();
    }

    private static long lookUpByBufferBytes() {
        long sum = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            sum += netmap.peerIdOf(wire, (i % (2 * PEERS)) * 32);
        }
        return sum;
    }

    private static long lookUpDiscoByBufferBytes() {
        long sum = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            sum += netmap.peerIdOfDisco(wire, (i % (2 * PEERS)) * 32);
        }
        return sum;
    }

    private static long lookUpByNodeKeyAndReadPeer() {
        long sum = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            final int peerId = netmap.peerIdOf(someKey);
            sum += peerId + netmap.homeRegion(peerId) + (netmap.contains(peerId) ? 1 : 0);
        }
        return sum;
    }

    @Test
    void peerIdOfBufferBytesAllocatesNothingAfterWarmUp() {
        long expected = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            final int slot = i % (2 * PEERS);
            expected += slot < PEERS ? slot : Netmap.NO_PEER;
        }
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            assertThat(lookUpByBufferBytes()).isEqualTo(expected);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long sum = lookUpByBufferBytes();
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).as("lookups must be right, not just cheap").isEqualTo(expected);
        assertThat(allocated).as("bytes allocated by %d lookups", LOOKUPS).isLessThan(BOUND_BYTES);
    }

    @Test
    void peerIdOfDiscoBufferBytesAllocatesNothingAfterWarmUp() {
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            lookUpDiscoByBufferBytes();
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long sum = lookUpDiscoByBufferBytes();
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isEqualTo(lookUpByBufferBytes());
        assertThat(allocated).as("bytes allocated by %d lookups", LOOKUPS).isLessThan(BOUND_BYTES);
    }

    @Test
    void peerIdOfNodeKeyAndPeerAccessorsAllocateNothingAfterWarmUp() {
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            lookUpByNodeKeyAndReadPeer();
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long sum = lookUpByNodeKeyAndReadPeer();
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isPositive();
        assertThat(allocated).as("bytes allocated by %d lookups", LOOKUPS).isLessThan(BOUND_BYTES);
    }
}
