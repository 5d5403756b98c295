package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import io.derpring.runtime.InvalidConfigException;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** derper's accept limiter ({@code rate.NewLimiter(limit, burst).Allow()}) on an injected clock. */
class AcceptRateLimiterTest {
    private final CachedNanoClock clock = new CachedNanoClock();

    private static int allowed(final AcceptRateLimiter l, final int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            n += l.tryAcquire() ? 1 : 0;
        }
        return n;
    }

    @ParameterizedTest(name = "{0} accepts against a burst of 5")
    @ValueSource(ints = {4, 5, 6})
    @DisplayName("a full bucket allows exactly the burst at once: below and at it all pass, above it the rest are refused")
    void burstAtOnce(final int attempts) {
        final AcceptRateLimiter l = new AcceptRateLimiter(1.0, 5, clock);
        assertThat(allowed(l, attempts)).isEqualTo(Math.min(attempts, 5));
    }

    @Test
    @DisplayName("after the burst, one accept per 1/limit seconds")
    void refillAtTheLimit() {
        final AcceptRateLimiter l = new AcceptRateLimiter(10.0, 1, clock);
        assertThat(l.tryAcquire()).isTrue();
        assertThat(l.tryAcquire()).isFalse();
        clock.advance(TimeUnit.MILLISECONDS.toNanos(99));
        assertThat(l.tryAcquire()).isFalse();
        clock.advance(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(l.tryAcquire()).isTrue();
        clock.advance(TimeUnit.SECONDS.toNanos(10));
        assertThat(allowed(l, 5)).isEqualTo(1); // never more than the burst banked
    }

    @Test
    @DisplayName("derper's default (+Inf, MaxInt) never refuses; +Inf ignores even a burst of 0 (Go rate.Inf)")
    void infiniteLimitNeverRefuses() {
        assertThat(allowed(new AcceptRateLimiter(AcceptRateLimiter.UNLIMITED, AcceptRateLimiter.DEFAULT_BURST, clock), 100_000))
            .isEqualTo(100_000);
        assertThat(allowed(new AcceptRateLimiter(AcceptRateLimiter.UNLIMITED, 0, clock), 10)).isEqualTo(10);
    }

    @Test
    @DisplayName("a limit of 0 allows the burst once and then nothing")
    void zeroLimitAllowsOnlyTheBurst() {
        final AcceptRateLimiter l = new AcceptRateLimiter(0, 2, clock);
        assertThat(allowed(l, 3)).isEqualTo(2);
        clock.advance(TimeUnit.DAYS.toNanos(1));
        assertThat(l.tryAcquire()).isFalse();
    }

    @Test
    @DisplayName("a negative or NaN limit and a negative burst are typed configuration errors")
    void badSettings() {
        assertThatThrownBy(() -> new AcceptRateLimiter(-1, 1, clock)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("acceptConnectionLimit");
        assertThatThrownBy(() -> new AcceptRateLimiter(Double.NaN, 1, clock)).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> new AcceptRateLimiter(1, -1, clock)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("acceptConnectionBurst");
    }
}
