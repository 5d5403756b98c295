package io.derpring.internal.queue;

import java.nio.ByteBuffer;

import io.derpring.internal.frame.FrameLimits;
import io.derpring.keys.NodeKey;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A bounded queue of packets to one destination's connection: {@code depth} pre-allocated off-heap slots, each
 * holding one packet and its destination key, moved between a {@code free} and a {@code ready} queue. Used for a
 * region's pending and disco queues (engine) and a connection's data and disco queues (transport).
 *
 * <pre>
 *   any thread: offer()  free --poll--> [copy packet into slot] --offer--> ready
 *   consumer:   poll()   ready --poll--> [use the slot's bytes] --release()--> free
 * </pre>
 *
 * <p>On a full queue ({@code free} empty) the {@link Overflow} decides: {@link Overflow#REFUSE_NEWEST} refuses the
 * new packet, which is backpressure to a caller that retries and drop-newest to one that does not (RS disco
 * {@code try_send}, SPEC §5.8 / B61); {@link Overflow#DROP_OLDEST} takes the oldest ready slot instead (Go's write
 * queue, SPEC §5.1 / B65). Drop-oldest needs producers to poll the head of {@code ready}, so both queues are
 * Agrona's lock-free many-to-many array queues.
 *
 * <p>Nothing is allocated per packet; a slot grows once (and keeps its size) for a packet larger than the initial
 * slot. A slot taken by {@link #offer} goes back in a {@code finally}, to {@code ready} if filled or to {@code free}
 * if the copy threw, so no input can lose one.
 */
public final class OutboundQueue {
    /** magicsock.go sendAddr: three attempts before the new packet itself is refused (drop-oldest only). */
    public static final int ENQUEUE_ATTEMPTS = 3;

    /** {@link #offer}: queued, nothing dropped. */
    public static final int OFFERED = 0;
    /** {@link #offer}: queued after dropping the oldest queued packet (the caller counts it). */
    public static final int OFFERED_DROPPED_OLDEST = 1;
    /** {@link #offer}: full; the packet was not queued and nothing was dropped. */
    public static final int REFUSED = 2;

    /** What a full queue does with one more packet. */
    public enum Overflow { REFUSE_NEWEST, DROP_OLDEST }

    /** One pooled packet; owned by exactly one party at a time (a queue, a producer or the consumer). */
    public static final class Slot {
        private final UnsafeBuffer bytes = new UnsafeBuffer(0, 0);
        private NodeKey destination;
        private int length;

        /** The packet, at offset 0, {@link #length()} bytes. */
        public DirectBuffer bytes() {
            return bytes;
        }

        public NodeKey destination() {
            return destination;
        }

        public int length() {
            return length;
        }
    }

    private final ManyToManyConcurrentArrayQueue<Slot> free;
    private final ManyToManyConcurrentArrayQueue<Slot> ready;
    private final Overflow overflow;
    private final int depth;

    /**
     * @param depth            packets the queue holds
     * @param initialSlotBytes bytes per slot before it grows for a larger packet (at most 64 KiB)
     */
    public OutboundQueue(final int depth, final int initialSlotBytes, final Overflow overflow) {
        this.depth = depth;
        this.overflow = overflow;
        // Twice the slots: an offer can then only be refused by a poll still in progress at the wrapped index (see
        // SpinOffer), never by a full array.
        this.free = new ManyToManyConcurrentArrayQueue<>(2 * Math.max(2, depth));
        this.ready = new ManyToManyConcurrentArrayQueue<>(2 * Math.max(2, depth));
        final ByteBuffer slab = ByteBuffer.allocateDirect(depth * initialSlotBytes);
        for (int i = 0; i < depth; i++) {
            final Slot slot = new Slot();
            slot.bytes.wrap(slab, i * initialSlotBytes, initialSlotBytes);
            free.offer(slot);
        }
    }

    /**
     * Copies {@code length} bytes at {@code offset} of {@code src} into a slot and queues it for {@code destination}.
     * Any thread; never blocks; allocates only to grow a slot. The caller has checked the bounds: a bad offset or
     * length throws from the copy, and the slot still goes back.
     *
     * @return {@link #OFFERED}, {@link #OFFERED_DROPPED_OLDEST} or {@link #REFUSED}
     */
    public int offer(final NodeKey destination, final DirectBuffer src, final int offset, final int length) {
        int result = OFFERED;
        Slot slot = free.poll();
        if (slot == null) {
            if (overflow == Overflow.REFUSE_NEWEST) {
                return REFUSED;
            }
            // With depth slots a try fails only while producers and the consumer hold every slot.
            for (int attempt = 1; slot == null && attempt < ENQUEUE_ATTEMPTS; attempt++) {
                slot = ready.poll();
                if (slot != null) {
                    result = OFFERED_DROPPED_OLDEST;
                } else {
                    slot = free.poll();
                }
            }
            if (slot == null) {
                return REFUSED;
            }
        }
        boolean filled = false;
        try {
            if (slot.bytes.capacity() < length) {
                slot.bytes.wrap(ByteBuffer.allocateDirect(
                    Math.min(BitUtil.findNextPositivePowerOfTwo(length), FrameLimits.MAX_PACKET_SIZE)));
            }
            slot.bytes.putBytes(0, src, offset, length);
            slot.destination = destination;
            slot.length = length;
            filled = true;
        } finally {
            SpinOffer.offerWithoutLoss(filled ? ready : free, slot);
        }
        return result;
    }

    /** Consumer: the oldest queued packet, or null. Give it back with {@link #release}. */
    public Slot poll() {
        return ready.poll();
    }

    /** Consumer: the slot's bytes have been used (or dropped); it may be reused. */
    public void release(final Slot slot) {
        slot.destination = null;
        SpinOffer.offerWithoutLoss(free, slot);
    }

    /** Drops everything queued; returns how many packets that was. */
    public int clear() {
        int n = 0;
        Slot slot;
        while ((slot = ready.poll()) != null) {
            release(slot);
            n++;
        }
        return n;
    }

    public boolean isEmpty() {
        return ready.isEmpty();
    }

    /** Packets queued now (a snapshot). */
    public int size() {
        return ready.size();
    }

    /** Free slots now (a snapshot): {@link #depth()} when idle; fewer while packets are queued or in use. */
    public int free() {
        return free.size();
    }

    public int depth() {
        return depth;
    }
}
