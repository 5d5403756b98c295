package io.derpring.transport.internal.client;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.EventHandler;
import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.ring.FrameSlot;
import io.derpring.internal.ring.InboundCounter;
import io.derpring.internal.ring.InboundRing;
import io.derpring.internal.ring.InboundRingConfig;

/** A real inbound ring whose last stage records what arrived; the stage can be held to fill the ring. */
final class TestRing implements AutoCloseable {
    record Received(NodeKey from, int regionId, byte[] packet) {
    }

    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    final AtomicLong count = new AtomicLong();
    final Counters<InboundCounter> counters = new Counters<>(InboundCounter.class);
    final InboundRing ring;
    volatile boolean copyPackets = true;
    volatile boolean held;

    TestRing(final int ringSize, final NodeKey... peers) {
        final Netmap.Builder netmap = Netmap.builder();
        for (final NodeKey peer : peers) {
            netmap.addPeer(peer, null, Netmap.NO_REGION);
        }
        final EventHandler<FrameSlot> pass = (slot, sequence, endOfBatch) -> { };
        final EventHandler<FrameSlot> record = (slot, sequence, endOfBatch) -> {
            while (held) {
                LockSupport.parkNanos(100_000);
            }
            if (copyPackets) {
                final byte[] packet = new byte[slot.length()];
                slot.buffer().getBytes(0, packet);
                received.add(new Received(slot.netmap().nodeKey(slot.peerId()), slot.regionId(), packet));
            }
            count.incrementAndGet();
        };
        ring = new InboundRing(InboundRingConfig.builder().ringSize(ringSize).build(),
            new NetmapHolder(netmap.build()), counters, pass, pass, record);
        ring.start();
    }

    @Override
    public void close() {
        held = false;
        ring.close();
    }
}
