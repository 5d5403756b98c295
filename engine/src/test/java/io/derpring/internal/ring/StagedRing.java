package io.derpring.internal.ring;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;

import com.lmax.disruptor.EventHandler;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A ring whose three stages are recorders, for the ring's own mechanics (lifecycle, failures, what a stage sees)
 * without routes, disco or a dataplane. One netmap peer, {@link #sender}.
 */
final class StagedRing implements AutoCloseable {
    static final int REGION = 900;

    final PipelineFixture.Peer sender = new PipelineFixture.Peer();
    final NetmapHolder netmaps = new NetmapHolder();
    final Counters<InboundCounter> counters = new Counters<>(InboundCounter.class);
    final RecordingStage routes = new RecordingStage();
    final RecordingStage disco = new RecordingStage();
    final RecordingStage dataplane = new RecordingStage();
    final InboundRingConfig config;
    final InboundRing ring;

    StagedRing(final InboundRingConfig config) {
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(sender.node, sender.disco, REGION);
        netmaps.publish(netmap.build());
        this.config = config;
        ring = new InboundRing(config, netmaps, counters, routes, disco, dataplane);
    }

    StagedRing start() {
        ring.start();
        return this;
    }

    /** Offers a packet of {@code length} bytes whose first int is {@code marker}, as received at {@code receivedNs}. */
    int offer(final int length, final int marker, final long receivedNs) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[32 + Math.max(length, 4)]);
        sender.node.writeTo(frame, 0);
        frame.putInt(32, marker);
        return ring.offer(REGION, frame, 0, 32, length, receivedNs, null);
    }

    @Override
    public void close() {
        ring.close();
    }

    /** Counts what the ring asks of a stage; throws on the frames {@link #failOn} picks (by their first int). */
    static final class RecordingStage implements EventHandler<FrameSlot> {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger shutdowns = new AtomicInteger();
        final AtomicInteger events = new AtomicInteger();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        volatile long lastReceivedNs = -1;
        volatile IntPredicate failOn = marker -> false;

        @Override
        public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch) {
            lastReceivedNs = slot.receivedNs();
            events.incrementAndGet();
            if (slot.length >= 4 && failOn.test(slot.buffer().getInt(0))) {
                throw new IllegalStateException("stage bug");
            }
        }

        @Override
        public void onStart() {
            thread.set(Thread.currentThread());
            starts.incrementAndGet();
        }

        @Override
        public void onShutdown() {
            shutdowns.incrementAndGet();
        }
    }
}
