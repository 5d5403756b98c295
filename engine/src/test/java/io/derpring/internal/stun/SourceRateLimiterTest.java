package io.derpring.internal.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import io.derpring.testing.Allocations;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {
    private static final long SECOND_NS = 1_000_000_000L;
    private static final byte[] SOURCE = {(byte) 192, 0, 2, 1};
    private static final long T0 = -5 * SECOND_NS; // System.nanoTime() may be negative

    @Test
    void aSourceGetsItsBurstAtOnce() {
        final SourceRateLimiter limiter = new SourceRateLimiter(16, 10, 5);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(SOURCE, T0)).as("packet %d of the burst", i).isTrue();
        }
    }

    @Test
    void aSourceOverItsBurstIsRefused() {
        final SourceRateLimiter limiter = new SourceRateLimiter(16, 10, 5);
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire(SOURCE, T0);
        }
        assertThat(limiter.tryAcquire(SOURCE, T0)).isFalse();
    }

    @Test
    void aRefusedSourceGetsOnePacketBackPerInterval() {
        final SourceRateLimiter limiter = new SourceRateLimiter(16, 10, 5);
        for (int i = 0; i < 5; i++) {
            limiter.tryAcquire(SOURCE, T0);
        }
        final long intervalNs = SECOND_NS / 10;
        assertThat(limiter.tryAcquire(SOURCE, T0 + intervalNs - 1)).as("just before the interval").isFalse();
        assertThat(limiter.tryAcquire(SOURCE, T0 + intervalNs)).as("at the interval").isTrue();
        assertThat(limiter.tryAcquire(SOURCE, T0 + intervalNs)).as("only one").isFalse();
    }

    @Test
    void aSteadySourceAtTheRateIsNeverRefused() {
        final SourceRateLimiter limiter = new SourceRateLimiter(16, 10, 1);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire(SOURCE, T0 + i * (SECOND_NS / 10))).as("packet %d", i).isTrue();
        }
    }

    @Test
    void refusedPacketsDoNotDeepenTheDebt() {
        final SourceRateLimiter limiter = new SourceRateLimiter(16, 10, 1);
        limiter.tryAcquire(SOURCE, T0);
        for (int i = 0; i < 1000; i++) {
            limiter.tryAcquire(SOURCE, T0);
        }
        assertThat(limiter.tryAcquire(SOURCE, T0 + SECOND_NS / 10)).isTrue();
    }

    @Test
    void otherSourcesAreNotChargedForOne() {
        final SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.DEFAULT_BUCKETS, 10, 1);
        final byte[] other = {(byte) 198, 51, 100, 7};
        assertThat(limiter.bucketOf(other)).isNotEqualTo(limiter.bucketOf(SOURCE)); // a 1 in 16 384 chance per seed
        limiter.tryAcquire(SOURCE, T0);
        assertThat(limiter.tryAcquire(SOURCE, T0)).isFalse();
        assertThat(limiter.tryAcquire(other, T0)).isTrue();
    }

    @Test
    void anIpv6SourceIsItsSlash64() {
        final SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.DEFAULT_BUCKETS, 10, 1);
        final byte[] a = ipv6(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
        final byte[] sameSlash64 = ipv6(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9);
        assertThat(limiter.bucketOf(sameSlash64)).isEqualTo(limiter.bucketOf(a));
        assertThat(limiter.tryAcquire(a, T0)).isTrue();
        assertThat(limiter.tryAcquire(sameSlash64, T0)).isFalse();
    }

    @Test
    void anIpv4MappedSourceIsItsIpv4Address() {
        final SourceRateLimiter limiter = new SourceRateLimiter(SourceRateLimiter.DEFAULT_BUCKETS, 10, 1);
        final byte[] mapped = ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1);
        assertThat(limiter.bucketOf(mapped)).isEqualTo(limiter.bucketOf(SOURCE));
        final byte[] otherMapped = ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 7);
        // Not one shared ::/64 bucket for every IPv4 client of a dual-stack socket (a 1 in 16 384 chance per seed).
        assertThat(limiter.bucketOf(otherMapped)).isNotEqualTo(limiter.bucketOf(mapped));
        final byte[] almostMapped = ipv6(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 192, 0, 2, 1);
        assertThat(limiter.bucketOf(almostMapped)).as("keyed by its /64, ::").isEqualTo(limiter.bucketOf(new byte[16]));
    }

    @Test
    void aFloodFromManyDistinctSourcesKeepsTheTableSizeFixed() {
        final SourceRateLimiter limiter = new SourceRateLimiter(1024, 10, 2);
        final byte[] spoofed = new byte[4];
        final Set<Integer> bucketsHit = new HashSet<>();
        final int sources = 200_000;
        for (int i = 0; i < sources; i++) {
            putInt(spoofed, i);
            limiter.tryAcquire(spoofed, T0);
            bucketsHit.add(limiter.bucketOf(spoofed));
        }
        assertThat(limiter.bucketCount()).isEqualTo(1024);
        assertThat(bucketsHit).as("sources spread over the whole table").hasSize(1024);
        final int[] next = {sources};
        final long allocated = Allocations.measure(100_000, () -> {
            putInt(spoofed, next[0]++);
            limiter.tryAcquire(spoofed, T0);
        });
        assertThat(allocated).as("bytes allocated by 300 000 packets from new sources").isLessThan(1024);
    }

    @Test
    void aFullTableStillServesARealSourceWithinItsBucketsRate() {
        // Spoofed sources share buckets with real ones; the damage is bounded by the bucket's rate, not growth.
        final SourceRateLimiter limiter = new SourceRateLimiter(1024, 10, 2);
        final byte[] spoofed = new byte[4];
        for (int i = 0; i < 100_000; i++) {
            putInt(spoofed, i);
            limiter.tryAcquire(spoofed, T0);
        }
        assertThat(limiter.tryAcquire(SOURCE, T0 + SECOND_NS)).isTrue();
    }

    @Test
    void limitsOutsideTheirRangesAreRefused() {
        assertThatThrownBy(() -> new SourceRateLimiter(1000, 10, 1)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new SourceRateLimiter(0, 10, 1)).hasMessageContaining("buckets = 0");
        assertThatThrownBy(() -> new SourceRateLimiter(SourceRateLimiter.MAX_BUCKETS * 2, 10, 1))
            .hasMessageContaining("buckets");
        assertThatThrownBy(() -> new SourceRateLimiter(16, 0, 1)).hasMessageContaining("packetsPerSecond = 0");
        assertThatThrownBy(() -> new SourceRateLimiter(16, 10, 0)).hasMessageContaining("burst = 0");
        assertThat(new SourceRateLimiter(SourceRateLimiter.MAX_BUCKETS, 1, 1).bucketCount())
            .isEqualTo(SourceRateLimiter.MAX_BUCKETS);
        assertThat(new SourceRateLimiter(1, 1_000_000_000, 1).bucketCount()).isEqualTo(1);
    }

    @Test
    void defaultsAreTheConstants() {
        assertThat(new SourceRateLimiter().bucketCount()).isEqualTo(SourceRateLimiter.DEFAULT_BUCKETS);
    }

    private static void putInt(final byte[] b, final int v) {
        b[0] = (byte) (v >>> 24);
        b[1] = (byte) (v >>> 16);
        b[2] = (byte) (v >>> 8);
        b[3] = (byte) v;
    }

    private static byte[] ipv6(final int... bytes) {
        final byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }
}
