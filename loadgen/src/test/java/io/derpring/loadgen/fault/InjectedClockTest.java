package io.derpring.loadgen.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class InjectedClockTest {
    @Test
    void advancingMovesTheClockForwardByThatMuch() {
        final InjectedClock c = new InjectedClock();
        final long jump = TimeUnit.SECONDS.toNanos(121);
        final long before = c.getAsLong();
        c.advance(jump);
        assertThat(c.getAsLong() - before).isGreaterThanOrEqualTo(jump);
        assertThat(c.skewNs()).isEqualTo(jump);
    }

    @Test
    void itNeverGoesBack() {
        assertThatThrownBy(() -> new InjectedClock().advance(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
