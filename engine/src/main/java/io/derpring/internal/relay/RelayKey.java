package io.derpring.internal.relay;

import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A node key as the registry's map key: the 32 bytes as four longs, so a key read straight out of a frame can be
 * looked up without copying it into a {@link NodeKey}. Each shard aims one mutable probe at the destination key of
 * every SendPacket ({@link #aim}); keys stored in maps are never mutated.
 *
 * <p>Node keys are chosen by clients, so the hash is seeded per process: nobody can precompute keys that collide in
 * the registry. Comparable, so a crowded {@code ConcurrentHashMap} bin becomes a balanced tree.
 */
public final class RelayKey implements Comparable<RelayKey> {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long SEED = ThreadLocalRandom.current().nextLong() | 1L;

    private long w0, w1, w2, w3;
    private int hash;

    private RelayKey() {
    }

    /** The map key of a node key. */
    public static RelayKey of(final NodeKey key) {
        final byte[] raw = key.toBytes();
        final RelayKey k = new RelayKey();
        k.aim(new UnsafeBuffer(raw), 0);
        return k;
    }

    /** A stored copy of 32 key bytes at {@code buffer[offset]} (allocates). */
    public static RelayKey copyOf(final DirectBuffer buffer, final int offset) {
        return new RelayKey().aim(buffer, offset);
    }

    /** A probe for allocation-free lookups; only the owning thread may aim it, and it must never be stored. */
    static RelayKey probe() {
        return new RelayKey();
    }

    /** Re-aims this key at the 32 bytes at {@code buffer[offset]}. */
    RelayKey aim(final DirectBuffer buffer, final int offset) {
        w0 = buffer.getLong(offset, NATIVE);
        w1 = buffer.getLong(offset + 8, NATIVE);
        w2 = buffer.getLong(offset + 16, NATIVE);
        w3 = buffer.getLong(offset + 24, NATIVE);
        hash = mix(w0, w1, w2, w3);
        return this;
    }

    /** A stored copy of this (probe) key. */
    RelayKey copy() {
        final RelayKey k = new RelayKey();
        k.w0 = w0;
        k.w1 = w1;
        k.w2 = w2;
        k.w3 = w3;
        k.hash = hash;
        return k;
    }

    /** Writes the 32 key bytes at {@code buffer[offset]}, exactly as they were read. */
    public void writeTo(final MutableDirectBuffer buffer, final int offset) {
        buffer.putLong(offset, w0, NATIVE);
        buffer.putLong(offset + 8, w1, NATIVE);
        buffer.putLong(offset + 16, w2, NATIVE);
        buffer.putLong(offset + 24, w3, NATIVE);
    }

    /** Allocates; for logs and PeerPresent, not the hot path. */
    public NodeKey toNodeKey() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[32]);
        writeTo(b, 0);
        return NodeKey.fromBytes(b.byteArray());
    }

    private static int mix(final long a, final long b, final long c, final long d) {
        long h = (a ^ SEED) * 0x9E3779B97F4A7C15L;
        h = (h ^ b ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ c ^ (h >>> 32)) * 0x94D049BB133111EBL;
        h ^= d ^ (h >>> 31);
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RelayKey)) {
            return false;
        }
        final RelayKey k = (RelayKey) o;
        return w0 == k.w0 && w1 == k.w1 && w2 == k.w2 && w3 == k.w3;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(final RelayKey k) {
        int c = Long.compare(w0, k.w0);
        if (c == 0) {
            c = Long.compare(w1, k.w1);
        }
        if (c == 0) {
            c = Long.compare(w2, k.w2);
        }
        return c != 0 ? c : Long.compare(w3, k.w3);
    }

    @Override
    public String toString() {
        return toNodeKey().toString();
    }
}
