package io.derpring.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §3.7: the per-client receive bucket on an injected clock. */
class ReceiveRateLimiterTest {
    private static final long RATE = 100_000; // bytes per second
    private static final long BURST = 200_000;
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private final CachedNanoClock clock = new CachedNanoClock();

    private ReceiveRateLimiter limiter(final long rate, final long burst) {
        clock.update(5_000_000_000L);
        return new ReceiveRateLimiter(rate, burst, clock);
    }

    /** Charges {@code bytes} as frames small enough not to be clamped. */
    private static void spend(final ReceiveRateLimiter l, final long bytes) {
        for (long left = bytes; left > 0; left -= 50_000) {
            l.charge(Math.min(left, 50_000));
        }
    }

    @ParameterizedTest(name = "burst - 1 + {0}")
    @ValueSource(longs = {0, 1, 2})
    @DisplayName("the bucket starts full: below and at the burst reading goes on, one byte above it pauses")
    void pausesOnlyAboveTheBurst(final long extra) {
        final ReceiveRateLimiter l = limiter(RATE, BURST);
        spend(l, BURST - 1 + extra);
        final boolean over = BURST - 1 + extra > BURST;
        assertThat(l.pauseNs()).isEqualTo(over ? SECOND_NS / RATE : 0); // one byte of debt: 10 us at 100 kB/s
    }

    @Test
    @DisplayName("the pause is the debt divided by the rate, and ends exactly when the debt is paid back")
    void pauseEndsWhenTheDebtIsPaid() {
        final ReceiveRateLimiter l = limiter(RATE, BURST);
        spend(l, BURST + 50_000);
        assertThat(l.pauseNs()).isEqualTo(SECOND_NS / 2);
        clock.advance(SECOND_NS / 2 - 1);
        assertThat(l.pauseNs()).isPositive();
        clock.advance(1);
        assertThat(l.pauseNs()).isZero();
    }

    @Test
    @DisplayName("refill is exact under frequent calls: 1 ns steps lose no fractional bytes")
    void frequentRefillsLoseNothing() {
        final ReceiveRateLimiter l = limiter(RATE, BURST);
        spend(l, BURST);
        for (int i = 0; i < 100_000; i++) {
            clock.advance(1);
            l.pauseNs();
        }
        clock.advance(SECOND_NS / 10 - 100_000); // 0.1 s in total
        assertThat(l.tokens()).isEqualTo(RATE / 10);
    }

    @Test
    @DisplayName("the bucket never fills above the burst however long the client is quiet")
    void refillStopsAtTheBurst() {
        final ReceiveRateLimiter l = limiter(RATE, BURST);
        l.charge(1000);
        clock.advance(TimeUnit.DAYS.toNanos(365));
        assertThat(l.tokens()).isEqualTo(BURST);
    }

    @ParameterizedTest(name = "burst {0}")
    @ValueSource(longs = {0, ReceiveRateLimiter.MIN_BURST_BYTES - 1, ReceiveRateLimiter.MIN_BURST_BYTES,
        ReceiveRateLimiter.MIN_BURST_BYTES + 1})
    @DisplayName("Go UpdateRateLimits: a burst below 65 568 bytes is raised to it; at or above it is kept")
    void burstIsRaisedToOneMaximumFrame(final long burst) {
        assertThat(limiter(RATE, burst).burstBytes()).isEqualTo(Math.max(burst, ReceiveRateLimiter.MIN_BURST_BYTES));
    }

    @ParameterizedTest(name = "frame {0} bytes")
    @ValueSource(longs = {ReceiveRateLimiter.MIN_BURST_BYTES - 1, ReceiveRateLimiter.MIN_BURST_BYTES,
        ReceiveRateLimiter.MIN_BURST_BYTES + 1, 4L << 30})
    @DisplayName("Go rateLimit: one frame costs at most 65 568 bytes, however long it claims to be")
    void frameCostIsClamped(final long length) {
        final ReceiveRateLimiter l = limiter(RATE, ReceiveRateLimiter.MIN_BURST_BYTES);
        l.charge(length);
        assertThat(l.tokens()).isEqualTo(ReceiveRateLimiter.MIN_BURST_BYTES - Math.min(length, ReceiveRateLimiter.MIN_BURST_BYTES));
    }

    @Test
    @DisplayName("sustained sending at twice the rate spends half its time paused")
    void sustainedOverRateIsPaused() {
        final ReceiveRateLimiter l = limiter(RATE, ReceiveRateLimiter.MIN_BURST_BYTES);
        long pausedNs = 0;
        long sentBytes = 0;
        final long stepNs = SECOND_NS / 100;
        for (int i = 0; i < 1000; i++) { // 10 s of a client offering 2 * RATE
            l.charge(2 * RATE / 100);
            sentBytes += 2 * RATE / 100;
            final long p = l.pauseNs();
            pausedNs += p;
            clock.advance(stepNs + p);
        }
        final double seconds = (double) (1000 * stepNs + pausedNs) / SECOND_NS;
        assertThat(sentBytes / seconds).isBetween(RATE * 0.95, RATE * 1.1);
    }

    @ParameterizedTest(name = "rate {0}")
    @ValueSource(longs = {-1, RelayConfig.UNLIMITED_RATE, 1, RelayConfig.MAX_RATE_LIMIT_BYTES, RelayConfig.MAX_RATE_LIMIT_BYTES + 1})
    @DisplayName("config: the rate and burst are 0 (unlimited) up to 1 TiB; outside, a typed error names the setting")
    void configRange(final long v) {
        final boolean ok = v >= 0 && v <= RelayConfig.MAX_RATE_LIMIT_BYTES;
        if (ok) {
            final RelayConfig c = RelayConfig.builder().perClientRateLimitBytesPerSec(v).perClientRateBurstBytes(v).build();
            assertThat(c.perClientRateLimitBytesPerSec()).isEqualTo(v);
        } else {
            assertThatThrownBy(() -> RelayConfig.builder().perClientRateLimitBytesPerSec(v).build())
                .isInstanceOf(io.derpring.runtime.InvalidConfigException.class).hasMessageContaining("perClientRateLimitBytesPerSec");
            assertThatThrownBy(() -> RelayConfig.builder().perClientRateBurstBytes(v).build())
                .isInstanceOf(io.derpring.runtime.InvalidConfigException.class).hasMessageContaining("perClientRateBurstBytes");
        }
    }

    @Test
    @DisplayName("config default: unlimited, as in derper")
    void defaultIsUnlimited() {
        assertThat(RelayConfig.defaults().perClientRateLimitBytesPerSec()).isEqualTo(RelayConfig.UNLIMITED_RATE);
        assertThat(RelayConfig.defaults().admission()).isNull();
    }

    @Test
    void rateMustBePositive() {
        assertThatThrownBy(() -> new ReceiveRateLimiter(0, BURST, clock)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("charging and pausing allocate nothing")
    void chargingAllocatesNothing() {
        final ReceiveRateLimiter l = limiter(RATE, BURST);
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) { // warm up
            l.charge(100);
            clock.advance(1000);
            l.pauseNs();
        }
        final long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            l.charge(100);
            clock.advance(1000);
            l.pauseNs();
        }
        assertThat(mx.getCurrentThreadAllocatedBytes() - before).isLessThan(1024);
    }
}
