package io.derpring.internal.disco;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.keys.DiscoKey;
import io.derpring.keys.DiscoPrivateKey;
import org.junit.jupiter.api.Test;

/** Keys that share one cache set each keep their own box key, on first use, on a hit and after an eviction. */
class DiscoKeyCacheSetTest {
    private static final DiscoPrivateKey SELF = DiscoPrivateKey.generate();

    private static byte[] expected(final DiscoKey peer) {
        return BoxKey.derive(SELF, peer).toBytes();
    }

    @Test
    void everyKeyInAFullSetGetsItsOwnBoxKey() {
        final DiscoKeyCache cache = new DiscoKeyCache(SELF, DiscoKeyCache.WAYS); // one set: every key shares it
        final DiscoKey[] peers = new DiscoKey[DiscoKeyCache.WAYS];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = DiscoPrivateKey.generate().publicKey();
            assertThat(cache.boxKeyFor(peers[i]).toBytes()).as("miss %d", i).isEqualTo(expected(peers[i]));
        }
        for (int i = 0; i < peers.length; i++) {
            assertThat(cache.boxKeyFor(peers[i]).toBytes()).as("hit %d", i).isEqualTo(expected(peers[i]));
        }
        assertThat(cache.hits()).isEqualTo(DiscoKeyCache.WAYS);
        assertThat(cache.misses()).isEqualTo(DiscoKeyCache.WAYS);
    }

    @Test
    void aKeyBeyondTheSetEvictsTheLeastRecentlyUsedAndEveryKeyStaysCorrect() {
        final DiscoKeyCache cache = new DiscoKeyCache(SELF, DiscoKeyCache.WAYS);
        final DiscoKey[] peers = new DiscoKey[DiscoKeyCache.WAYS + 1];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = DiscoPrivateKey.generate().publicKey();
        }
        for (int i = 0; i < DiscoKeyCache.WAYS; i++) {
            cache.boxKeyFor(peers[i]);
        }
        cache.boxKeyFor(peers[0]); // peers[1] is now the least recently used

        assertThat(cache.boxKeyFor(peers[DiscoKeyCache.WAYS]).toBytes()).isEqualTo(expected(peers[DiscoKeyCache.WAYS]));
        assertThat(cache.evictions()).isEqualTo(1);
        final long misses = cache.misses();
        assertThat(cache.boxKeyFor(peers[0]).toBytes()).isEqualTo(expected(peers[0]));
        assertThat(cache.misses()).as("the recently used key stayed").isEqualTo(misses);
        assertThat(cache.boxKeyFor(peers[1]).toBytes()).isEqualTo(expected(peers[1]));
        assertThat(cache.misses()).as("the least recently used key was the one evicted").isEqualTo(misses + 1);
    }
}
