package io.derpring.internal.relay;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Packets handed from other shards to one shard: a bounded, lock-free, many-producer single-consumer queue whose slot
 * holds a whole delivery (destination, frame, length, source key, kind) in parallel arrays, so a handoff allocates
 * nothing (Agrona's {@code ManyToOneConcurrentArrayQueue} holds one object per slot, which would need a wrapper per
 * packet).
 *
 * <p>Algorithm: D. Vyukov's bounded queue. Each slot has a sequence number; a producer claims position {@code p} by
 * CAS on the tail when the slot's sequence equals {@code p}, fills the slot, then publishes it by storing
 * {@code p + 1} with release semantics. The consumer reads a slot once its sequence is {@code p + 1} (acquire), clears
 * it and frees it for the next lap by storing {@code p + capacity}. A full queue refuses the offer: the producer
 * never waits.
 */
final class ShardMailbox {
    private final int mask;
    private final AtomicLongArray sequences;
    private final RelayClient<?>[] destinations;
    private final Object[] frames;
    private final RelayKey[] sources;
    private final int[] lengths;
    private final boolean[] disco;
    private final AtomicLong tail = new AtomicLong();
    private long head;

    ShardMailbox(final int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("mailbox capacity must be a power of two: " + capacity);
        }
        this.mask = capacity - 1;
        this.sequences = new AtomicLongArray(capacity);
        for (int i = 0; i < capacity; i++) {
            sequences.set(i, i);
        }
        this.destinations = new RelayClient<?>[capacity];
        this.frames = new Object[capacity];
        this.sources = new RelayKey[capacity];
        this.lengths = new int[capacity];
        this.disco = new boolean[capacity];
    }

    /** Any thread. False when full: the caller drops the packet. */
    boolean offer(final RelayClient<?> destination, final Object frame, final int length, final RelayKey source,
                  final boolean isDisco) {
        long pos = tail.get();
        int slot;
        for (;;) {
            slot = (int) (pos & mask);
            final long dif = sequences.getAcquire(slot) - pos;
            if (dif == 0) {
                if (tail.compareAndSet(pos, pos + 1)) {
                    break;
                }
                pos = tail.get();
            } else if (dif < 0) {
                return false;
            } else {
                pos = tail.get();
            }
        }
        destinations[slot] = destination;
        frames[slot] = frame;
        sources[slot] = source;
        lengths[slot] = length;
        disco[slot] = isDisco;
        sequences.setRelease(slot, pos + 1);
        return true;
    }

    /** Consumer thread only: hands up to {@code limit} deliveries to the shard; returns how many. */
    @SuppressWarnings("unchecked")
    <F> int drain(final RelayShard<F> shard, final int limit) {
        int n = 0;
        while (n < limit) {
            final int slot = (int) (head & mask);
            if (sequences.getAcquire(slot) != head + 1) {
                break;
            }
            final RelayClient<F> destination = (RelayClient<F>) destinations[slot];
            final F frame = (F) frames[slot];
            final RelayKey source = sources[slot];
            final int length = lengths[slot];
            final boolean isDisco = disco[slot];
            destinations[slot] = null;
            frames[slot] = null;
            sources[slot] = null;
            sequences.setRelease(slot, head + mask + 1);
            head++;
            n++;
            shard.deliverLocal(destination, frame, length, source, isDisco);
        }
        return n;
    }

    /** Approximate (racy) count, for gauges and tests. */
    int size() {
        return (int) Math.max(0, tail.get() - head);
    }
}
