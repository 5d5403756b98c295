package io.derpring.internal.disco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.keys.DiscoKey;
import io.derpring.keys.DiscoPrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscoKeyCacheTest {
    private static final DiscoPrivateKey SELF = DiscoPrivateKey.fromBytes(seededBytes(1));
    private final SplittableRandom random = new SplittableRandom(0xD15C0L);

    private static byte[] seededBytes(final long seed) {
        final byte[] raw = new byte[32];
        new SplittableRandom(seed).nextBytes(raw);
        return raw;
    }

    private DiscoKey randomKey() {
        final byte[] raw = new byte[32];
        random.nextBytes(raw);
        raw[0] |= 8; // never one of the few low-order points
        return DiscoKey.fromBytes(raw);
    }

    @Test
    void secondLookupOfAKeyIsAHitWithTheSameBoxKey() {
        final DiscoKeyCache cache = new DiscoKeyCache(SELF, 64);
        final DiscoKey peer = randomKey();
        final BoxKey first = cache.boxKeyFor(peer);
        final UnsafeBuffer wire = new UnsafeBuffer(new byte[40]);
        peer.writeTo(wire, 5);
        assertThat(cache.boxKeyFor(wire, 5)).isSameAs(first);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void cachedKeyIsTheDerivedBoxKey() {
        final DiscoKeyCache cache = new DiscoKeyCache(SELF, 64);
        final DiscoKey peer = randomKey();
        assertThat(cache.boxKeyFor(peer).toBytes()).isEqualTo(BoxKey.derive(SELF, peer).toBytes());
    }

    @Test
    void sizeNeverExceedsCapacityUnderAFloodOfFreshKeys() {
        final DiscoKeyCache cache = new DiscoKeyCache(SELF, 16);
        for (int i = 0; i < 500; i++) {
            cache.boxKeyFor(randomKey());
            assertThat(cache.size()).isLessThanOrEqualTo(16);
        }
        assertThat(cache.misses()).isEqualTo(500);
        assertThat(cache.evictions()).isEqualTo(cache.misses() - cache.size());
    }

    @Test
    void leastRecentlyUsedWayIsEvicted() {
        final DiscoKeyCache cache = new DiscoKeyCache(SELF, DiscoKeyCache.WAYS); // one set of 4 ways
        final DiscoKey[] keys = {randomKey(), randomKey(), randomKey(), randomKey(), randomKey()};
        for (int i = 0; i < 4; i++) {
            cache.boxKeyFor(keys[i]);
        }
        cache.boxKeyFor(keys[0]);        // keys[1] is now the oldest
        cache.boxKeyFor(keys[4]);        // evicts keys[1]
        final long misses = cache.misses();
        cache.boxKeyFor(keys[0]);
        cache.boxKeyFor(keys[2]);
        cache.boxKeyFor(keys[3]);
        cache.boxKeyFor(keys[4]);
        assertThat(cache.misses()).isEqualTo(misses);
        cache.boxKeyFor(keys[1]);
        assertThat(cache.misses()).isEqualTo(misses + 1);
        assertThat(cache.evictions()).isEqualTo(2);
    }

    @Test
    void keyThatCannotMakeABoxKeyIsNullAndCachedAsRejected() {
        final DiscoKeyCache cache = new DiscoKeyCache(SELF, 64);
        final DiscoKey zero = DiscoKey.fromBytes(new byte[32]);
        assertThat(cache.boxKeyFor(zero)).isNull();
        assertThat(cache.boxKeyFor(zero)).isNull();
        assertThat(cache.rejections()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @ParameterizedTest(name = "capacity {0} is refused")
    @ValueSource(ints = {-4, 0, 1, 3, 6, 12, DiscoKeyCache.MAX_CAPACITY * 2})
    void capacityMustBeAPowerOfTwoWithinBounds(final int capacity) {
        assertThatThrownBy(() -> new DiscoKeyCache(SELF, capacity)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "capacity {0} is accepted")
    @ValueSource(ints = {DiscoKeyCache.WAYS, 8, DiscoKeyCache.DEFAULT_CAPACITY, DiscoKeyCache.MAX_CAPACITY})
    void capacityLimitsAreInclusive(final int capacity) {
        assertThat(new DiscoKeyCache(SELF, capacity).capacity()).isEqualTo(capacity);
    }
}
