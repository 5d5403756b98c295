package io.derpring.netmap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

import io.derpring.keys.PublicKey;

/**
 * Immutable open-addressing index from a 32-byte public key to its position in a key array, probed straight from wire
 * bytes without allocating. A slot holds the key's first 8 bytes as a long (a cheap pre-filter) and the position;
 * a prefix hit is confirmed with {@link PublicKey#matches}, so two keys sharing a prefix are still told apart.
 * The table is at most half full, so a miss always reaches an empty slot.
 */
final class KeyTable {
    /** Any fixed order works as long as build and lookup agree; little-endian is native on x86 and ARM (no swap). */
    private static final ByteOrder PREFIX_ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int KEY_LENGTH = 32;
    private static final int EMPTY = -1;

    private final long[] prefixes;
    private final int[] positions;
    private final int mask;
    private final PublicKey[] keys;

    /**
     * Indexes {@code keys[i]} for every non-null key not listed in {@code skip}; {@code skip[i]} true leaves position i
     * out (used for ambiguous keys). Keys must be distinct unless skipped.
     */
    KeyTable(final PublicKey[] keys, final boolean[] skip) {
        this.keys = keys;
        int capacity = 2;
        while (capacity < 2 * keys.length) {
            capacity <<= 1;
        }
        this.prefixes = new long[capacity];
        this.positions = new int[capacity];
        java.util.Arrays.fill(positions, EMPTY);
        this.mask = capacity - 1;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == null || (skip != null && skip[i])) {
                continue;
            }
            // A heap ByteBuffer, not an UnsafeBuffer: building a netmap (Netmap.EMPTY too) must not run Agrona's static
            // initialiser, so a JVM without the flag hears about it from JvmRequirements, not from here.
            final long prefix = ByteBuffer.wrap(keys[i].toBytes()).order(PREFIX_ORDER).getLong(0);
            int slot = slot(prefix);
            while (positions[slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            prefixes[slot] = prefix;
            positions[slot] = i;
        }
    }

    /** The position of the key held in {@code buffer[offset, offset + 32)}, or -1; allocation-free. */
    int find(final DirectBuffer buffer, final int offset) {
        if (offset < 0 || offset > buffer.capacity() - KEY_LENGTH) {
            return EMPTY;
        }
        final long prefix = buffer.getLong(offset, PREFIX_ORDER);
        int slot = slot(prefix);
        while (true) {
            final int position = positions[slot];
            if (position == EMPTY) {
                return EMPTY;
            }
            if (prefixes[slot] == prefix && keys[position].matches(buffer, offset)) {
                return position;
            }
            slot = (slot + 1) & mask;
        }
    }

    // Murmur3 fmix64: spreads the prefix so that keys sharing low bits still land in different slots.
    private int slot(final long prefix) {
        long h = prefix;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
