package io.derpring.transport.internal.client;

import java.nio.ByteBuffer;

import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.Counters;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The bounded outbound queue of one connection: {@code depth} pre-allocated off-heap slots, each holding one whole
 * encoded SendPacket frame, moved between a {@code free} and a {@code ready} queue.
 *
 * <pre>
 *   any thread: offer()  free --poll--> [encode frame into slot] --offer--> ready
 *                        (free empty: poll the OLDEST from ready, count it dropped, reuse its slot; 3 tries)
 *   event loop: poll()   ready --poll--> [copy frame into the channel's buffer] --release()--> free
 * </pre>
 *
 * Drop-oldest needs producers to take from the head of {@code ready}, so both queues are Agrona's lock-free
 * many-to-many array queues (a many-to-one queue would only let the event loop poll). Nothing is allocated per
 * packet; a slot grows once (and keeps its size) for a frame larger than the initial slot capacity.
 *
 * <p>Go's enqueue (magicsock sendAddr, SPEC §5.2): up to 3 tries of a non-blocking send, popping one old request
 * after each failed try. With {@code depth} slots a try fails only while other producers hold every slot.
 */
final class OutboundPacketQueue {
    /** magicsock.go sendAddr: three attempts before the new packet itself is dropped. */
    static final int ENQUEUE_ATTEMPTS = 3;

    /** A pre-allocated frame buffer; owned by exactly one party at a time (a queue, a producer or the loop). */
    static final class Slot {
        final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
        int frameLength;
        /** SendPacket cost for the rate limiter, and the packet length for counters. */
        int packetLength;
    }

    private final ManyToManyConcurrentArrayQueue<Slot> free;
    private final ManyToManyConcurrentArrayQueue<Slot> ready;
    private final Counters<ClientCounter> counters;
    private final int depth;

    OutboundPacketQueue(final int depth, final int slotCapacity, final Counters<ClientCounter> counters) {
        this.depth = depth;
        this.counters = counters;
        // Twice the slots: an offer can then only be refused by a poll still in progress at the wrapped index
        // (see offerSurely), never by a full queue.
        this.free = new ManyToManyConcurrentArrayQueue<>(2 * depth);
        this.ready = new ManyToManyConcurrentArrayQueue<>(2 * depth);
        final ByteBuffer slab = ByteBuffer.allocateDirect(depth * slotCapacity);
        for (int i = 0; i < depth; i++) {
            final Slot slot = new Slot();
            slot.frame.wrap(slab, i * slotCapacity, slotCapacity);
            free.offer(slot);
        }
    }

    int depth() {
        return depth;
    }

    /**
     * Encodes a SendPacket for {@code dst} into a slot and queues it. Never blocks; allocates only to grow a slot.
     *
     * @return true if queued (possibly after dropping the oldest), false if dropped itself
     */
    boolean offer(final NodeKey dst, final DirectBuffer packet, final int offset, final int length) {
        Slot slot = free.poll();
        for (int attempt = 1; slot == null && attempt < ENQUEUE_ATTEMPTS; attempt++) {
            slot = ready.poll();
            if (slot != null) {
                counters.increment(ClientCounter.DROPPED_QUEUE_OLDEST);
            } else {
                slot = free.poll();
            }
        }
        if (slot == null) {
            counters.increment(ClientCounter.DROPPED_QUEUE_FULL);
            return false;
        }
        final int frameLength = PacketFlyweight.frameLength(length);
        if (slot.frame.capacity() < frameLength) {
            slot.frame.wrap(ByteBuffer.allocateDirect(Math.min(BitUtil.findNextPositivePowerOfTwo(frameLength),
                DerpClientSettings.MAX_SEND_FRAME_LENGTH)));
        }
        slot.frameLength = PacketFlyweight.encodeSendPacket(slot.frame, 0, dst, packet, offset, length);
        slot.packetLength = length;
        offerSurely(ready, slot);
        return true;
    }

    /** Event loop: the oldest queued frame, or null. Give it back with {@link #release}. */
    Slot poll() {
        return ready.poll();
    }

    /** Event loop: the slot's frame has been copied out (or dropped); it may be reused. */
    void release(final Slot slot) {
        offerSurely(free, slot);
    }

    /**
     * Agrona's many-to-many queue (Vyukov's bounded MPMC) refuses an offer while the poll that last took the element
     * at the tail's index has claimed it but not yet marked it consumed. With fewer slots than capacity that is the
     * only refusal, and it ends as soon as that other thread runs its next instructions, so retrying is a short
     * spin, not a wait for space. Dropping the slot instead would leak it.
     */
    private static void offerSurely(final ManyToManyConcurrentArrayQueue<Slot> queue, final Slot slot) {
        while (!queue.offer(slot)) {
            Thread.onSpinWait();
        }
    }

    boolean isEmpty() {
        return ready.isEmpty();
    }

    int size() {
        return ready.size();
    }

    /** Event loop, at close: drops everything queued and returns how many packets that was. */
    int clear() {
        int n = 0;
        Slot slot;
        while ((slot = ready.poll()) != null) {
            offerSurely(free, slot);
            n++;
        }
        return n;
    }
}
