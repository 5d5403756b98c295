package io.derpring.internal.ring;

import java.nio.ByteBuffer;

import io.derpring.internal.queue.SpinOffer;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A fixed set of {@link InboundRingConfig#MAX_PACKET_LENGTH} off-heap buffers for the rare packet longer than a
 * slot, so slots can stay MTU-sized. Producers borrow, the last stage returns; nothing is allocated after start.
 */
final class SpillPool {
    private final ManyToManyConcurrentArrayQueue<UnsafeBuffer> free;
    private final int buffers;

    SpillPool(final int buffers) {
        this.buffers = buffers;
        // Twice the buffer count: a many-to-many offer that wraps onto a slot still being polled would fail and lose
        // the buffer; with at most `buffers` in circulation a 2x array never wraps onto one.
        free = new ManyToManyConcurrentArrayQueue<>(2 * Math.max(2, buffers));
        if (buffers > 0) {
            final ByteBuffer slab = ByteBuffer.allocateDirect(buffers * InboundRingConfig.MAX_PACKET_LENGTH);
            for (int i = 0; i < buffers; i++) {
                free.offer(new UnsafeBuffer(slab, i * InboundRingConfig.MAX_PACKET_LENGTH,
                    InboundRingConfig.MAX_PACKET_LENGTH));
            }
        }
    }

    /** A free buffer, or null when all are in flight. */
    UnsafeBuffer borrow() {
        return free.poll();
    }

    void giveBack(final UnsafeBuffer buffer) {
        SpinOffer.offerWithoutLoss(free, buffer);
    }

    /** True when a buffer is free or the pool is configured empty (then no offer ever waits for one). */
    boolean hasFreeOrNone() {
        return buffers == 0 || !free.isEmpty();
    }

    int available() {
        return free.size();
    }
}
