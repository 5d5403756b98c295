package io.derpring.internal.disco;

import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.CryptoException;
import io.derpring.keys.DiscoKey;
import io.derpring.keys.DiscoPrivateKey;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Bounded cache of precomputed box keys ({@code crypto_box_beforenm}) between our disco private key and each
 * peer's disco public key, keyed by the 32 raw key bytes as they sit in a packet header (SPEC §4.1). It keeps
 * X25519 off the per-packet path: a hit is four word compares and allocates nothing.
 *
 * <p>Layout: {@code sets × WAYS} slots in primitive arrays (set-associative, least-recently-used way evicted).
 * The set index comes from a per-instance random seed, so a peer that grinds keys cannot aim them all at one set
 * to push out someone else's entry. The capacity never grows: a flood of fresh sender keys costs one X25519 each
 * and evicts, but cannot exhaust memory. A key that cannot make a box key (zero, low order) is cached as rejected,
 * so repeats of it cost no X25519 either.
 *
 * <p>Not thread-safe: one per consumer thread (the opener's). Bind one cache to one private key; a rotated disco
 * key needs a new cache.
 */
public final class DiscoKeyCache {
    /** Ways per set: 4 keeps a hot peer safe from a single colliding newcomer at a 4-compare cost. */
    public static final int WAYS = 4;
    /** Enough for every peer of a large tailnet without eviction. */
    public static final int DEFAULT_CAPACITY = 4096;
    /** Upper bound on capacity (slots), so a configuration mistake cannot reserve unbounded memory. */
    public static final int MAX_CAPACITY = 1 << 20;

    private static final byte EMPTY = 0;
    private static final byte VALID = 1;
    private static final byte REJECTED = 2;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int KEY_LENGTH = DiscoHeaderFlyweight.SENDER_KEY_LENGTH;

    private final DiscoPrivateKey self;
    private final int setMask;
    private final long seed;
    private final long[] words;        // 4 per slot: the key bytes as native-order longs
    private final byte[] state;
    private final long[] lastUsed;
    private final BoxKey[] boxKeys;
    private final UnsafeBuffer keyScratch = new UnsafeBuffer(new byte[KEY_LENGTH]);
    private long tick;
    private int size;

    private long hits;
    private long misses;
    private long evictions;
    private long rejections;

    /** A cache of {@link #DEFAULT_CAPACITY} entries for {@code self}. */
    public DiscoKeyCache(final DiscoPrivateKey self) {
        this(self, DEFAULT_CAPACITY);
    }

    /**
     * @param capacity slots; a power of two, at least {@link #WAYS} and at most {@link #MAX_CAPACITY}
     */
    public DiscoKeyCache(final DiscoPrivateKey self, final int capacity) {
        this(self, capacity, ThreadLocalRandom.current().nextLong());
    }

    DiscoKeyCache(final DiscoPrivateKey self, final int capacity, final long seed) {
        if (capacity < WAYS || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("disco key cache capacity must be a power of two in "
                + WAYS + ".." + MAX_CAPACITY + ", got " + capacity);
        }
        this.self = self;
        this.setMask = capacity / WAYS - 1;
        this.seed = seed;
        this.words = new long[capacity * 4];
        this.state = new byte[capacity];
        this.lastUsed = new long[capacity];
        this.boxKeys = new BoxKey[capacity];
    }

    /**
     * The box key for the 32-byte sender key at {@code buffer[keyOffset]}, or {@code null} if that key cannot
     * make one (zero or low-order: SPEC §2.1). Allocation-free on a hit; a miss derives (X25519) and may evict.
     */
    public BoxKey boxKeyFor(final DirectBuffer buffer, final int keyOffset) {
        final long w0 = buffer.getLong(keyOffset, NATIVE);
        final long w1 = buffer.getLong(keyOffset + 8, NATIVE);
        final long w2 = buffer.getLong(keyOffset + 16, NATIVE);
        final long w3 = buffer.getLong(keyOffset + 24, NATIVE);
        final int first = setOf(w0, w1, w2, w3) * WAYS;
        int victim = first;
        for (int slot = first; slot < first + WAYS; slot++) {
            final int w = slot * 4;
            if (state[slot] != EMPTY
                && words[w] == w0 && words[w + 1] == w1 && words[w + 2] == w2 && words[w + 3] == w3) {
                hits++;
                lastUsed[slot] = ++tick;
                return boxKeys[slot];
            }
            if (state[victim] != EMPTY && (state[slot] == EMPTY || lastUsed[slot] < lastUsed[victim])) {
                victim = slot;
            }
        }
        misses++;
        return insert(victim, buffer, keyOffset, w0, w1, w2, w3);
    }

    /** The box key for {@code peer} (for sealing), or {@code null} if it cannot make one. */
    public BoxKey boxKeyFor(final DiscoKey peer) {
        peer.writeTo(keyScratch, 0);
        return boxKeyFor(keyScratch, 0);
    }

    private BoxKey insert(final int slot, final DirectBuffer buffer, final int keyOffset,
        final long w0, final long w1, final long w2, final long w3) {
        BoxKey derived;
        try {
            derived = BoxKey.derive(self, DiscoKey.read(buffer, keyOffset));
        } catch (final CryptoException refused) {
            derived = null;
            rejections++;
        }
        if (state[slot] == EMPTY) {
            size++;
        } else {
            evictions++;
        }
        final int w = slot * 4;
        words[w] = w0;
        words[w + 1] = w1;
        words[w + 2] = w2;
        words[w + 3] = w3;
        state[slot] = derived == null ? REJECTED : VALID;
        boxKeys[slot] = derived;
        lastUsed[slot] = ++tick;
        return derived;
    }

    /** Seeded 64-bit mix of all 256 key bits (murmur3 finaliser), reduced to a set index. */
    private int setOf(final long w0, final long w1, final long w2, final long w3) {
        long h = seed;
        h = mix(h ^ w0);
        h = mix(h ^ w1);
        h = mix(h ^ w2);
        h = mix(h ^ w3);
        return (int) h & setMask;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Slots in use (never more than {@link #capacity()}). */
    public int size() {
        return size;
    }

    public int capacity() {
        return state.length;
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    public long evictions() {
        return evictions;
    }

    /** Sender keys refused by key derivation (zero or low-order). */
    public long rejections() {
        return rejections;
    }
}
