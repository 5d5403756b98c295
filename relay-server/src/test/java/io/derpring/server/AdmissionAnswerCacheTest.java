package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The webhook's answer cache: TTL and size bound, each at, below and above. */
class AdmissionAnswerCacheTest {
    private static final long TTL_NS = 1_000;
    private static final int MAX = 3;
    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();

    private final AdmissionAnswerCache cache = new AdmissionAnswerCache(TTL_NS, MAX);

    private static NodeKey newKey() {
        return NodePrivateKey.generate().publicKey();
    }

    @Test
    @DisplayName("an answer is returned below its TTL and gone at it")
    void answerLivesForTheTtl() {
        final NodeKey k = newKey();
        cache.put(k, SOURCE, true, 0);
        assertThat(cache.get(k, SOURCE, TTL_NS - 1)).isTrue();
        assertThat(cache.get(k, SOURCE, TTL_NS)).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    @DisplayName("denials are kept as well as admissions")
    void denialsAreKept() {
        final NodeKey k = newKey();
        cache.put(k, SOURCE, false, 0);
        assertThat(cache.get(k, SOURCE, 1)).isFalse();
    }

    @Test
    @DisplayName("at the size bound every entry stays; one above evicts the eldest")
    void sizeIsBoundedByEvictingTheEldest() {
        final NodeKey[] keys = {newKey(), newKey(), newKey(), newKey()};
        for (int i = 0; i < MAX; i++) {
            cache.put(keys[i], SOURCE, true, i);
        }
        assertThat(cache.size()).isEqualTo(MAX);
        for (int i = 0; i < MAX; i++) {
            assertThat(cache.get(keys[i], SOURCE, MAX)).isTrue();
        }
        cache.put(keys[MAX], SOURCE, true, MAX);
        assertThat(cache.size()).isEqualTo(MAX);
        assertThat(cache.get(keys[0], SOURCE, MAX)).isNull();
        assertThat(cache.get(keys[MAX], SOURCE, MAX)).isTrue();
    }

    @Test
    @DisplayName("a new answer for a key replaces the old one and its expiry")
    void reputReplacesAndRefreshes() {
        final NodeKey k = newKey();
        cache.put(k, SOURCE, true, 0);
        cache.put(k, SOURCE, false, TTL_NS / 2);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.get(k, SOURCE, TTL_NS)).isFalse();
    }

    @Test
    @DisplayName("expired entries are dropped when a new answer arrives, not kept until the bound")
    void expiredEntriesArePurgedOnPut() {
        cache.put(newKey(), SOURCE, true, 0);
        cache.put(newKey(), SOURCE, true, 1);
        cache.put(newKey(), SOURCE, true, TTL_NS + 1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    @DisplayName("the source is part of the key; a null source (no address) is a source of its own")
    void sourceIsPartOfTheKey() throws Exception {
        final NodeKey k = newKey();
        cache.put(k, SOURCE, true, 0);
        assertThat(cache.get(k, InetAddress.getByName("127.0.0.2"), 0)).isNull();
        assertThat(cache.get(k, null, 0)).isNull();
        cache.put(k, null, false, 0);
        assertThat(cache.get(k, null, 0)).isFalse();
    }
}
