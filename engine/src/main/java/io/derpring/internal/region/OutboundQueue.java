package io.derpring.internal.region;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;

/**
 * A bounded queue of packets waiting for a region's connection, filled from any thread without locks or
 * allocation. Packets are copied into pre-allocated off-heap slots (2 KiB, grown once for a rare larger packet, at
 * most the DERP maximum). On overflow it drops the oldest (data: Go's write queue, SPEC §5.2 / B65) or the newest
 * (disco: RS {@code try_send}, SPEC §5.8 / B61), as configured.
 */
final class OutboundQueue {
    static final int INITIAL_SLOT_BYTES = 2048;

    /** What to drop when the queue is full. */
    enum Overflow { DROP_OLDEST, DROP_NEWEST }

    /** Result of {@link #offer}. */
    static final int QUEUED = 0;
    static final int QUEUED_DROPPED_OLDEST = 1;
    static final int DROPPED_NEWEST = 2;

    /** One queued packet; borrowed by the consumer between {@link #poll} and {@link #release}. */
    static final class Packet {
        final ExpandableDirectByteBuffer bytes = new ExpandableDirectByteBuffer(INITIAL_SLOT_BYTES);
        NodeKey destination;
        int length;
    }

    private final Overflow overflow;
    private final int capacity;
    private final ManyToManyConcurrentArrayQueue<Packet> free;
    private final ManyToManyConcurrentArrayQueue<Packet> filled;

    OutboundQueue(final int capacity, final Overflow overflow) {
        this.capacity = capacity;
        this.overflow = overflow;
        // Twice the packet count: Agrona's many-to-many offer fails if the slot it wraps onto is still being polled
        // by another thread; with at most `capacity` packets circulating, a 2x array never wraps onto one.
        this.free = new ManyToManyConcurrentArrayQueue<>(2 * Math.max(2, capacity));
        this.filled = new ManyToManyConcurrentArrayQueue<>(2 * Math.max(2, capacity));
        for (int i = 0; i < capacity; i++) {
            free.offer(new Packet());
        }
    }

    int offer(final NodeKey destination, final DirectBuffer src, final int offset, final int length) {
        int result = QUEUED;
        Packet p = free.poll();
        if (p == null) {
            if (overflow == Overflow.DROP_NEWEST || (p = filled.poll()) == null) {
                return DROPPED_NEWEST;
            }
            result = QUEUED_DROPPED_OLDEST;
        }
        p.bytes.putBytes(0, src, offset, length);
        p.destination = destination;
        p.length = length;
        offerWithoutLoss(filled, p);
        return result;
    }

    /** The oldest queued packet, or null. Give it back with {@link #release}. */
    Packet poll() {
        return filled.poll();
    }

    void release(final Packet p) {
        p.destination = null;
        offerWithoutLoss(free, p);
    }

    /**
     * Agrona's many-to-many offer refuses while a poller that took the slot it wraps onto has not yet released it;
     * with the 2x sizing above that needs a poller descheduled for a whole lap, but a packet slot must never be
     * lost, so retry until the slot frees.
     */
    static <T> void offerWithoutLoss(final ManyToManyConcurrentArrayQueue<T> queue, final T element) {
        while (!queue.offer(element)) {
            Thread.onSpinWait();
        }
    }

    /** Drops everything queued; returns how many packets were dropped. */
    int clear() {
        int n = 0;
        Packet p;
        while ((p = filled.poll()) != null) {
            release(p);
            n++;
        }
        return n;
    }

    boolean isEmpty() {
        return filled.isEmpty();
    }

    int size() {
        return filled.size();
    }

    int capacity() {
        return capacity;
    }
}
