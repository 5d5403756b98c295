package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The live connection's deadlines as one rule each, on a manual clock (the loopback tests drive them end to end). */
class ConnectionDeadlinesTest {
    private static final long KEEPALIVE_NS = TimeUnit.SECONDS.toNanos(120);
    private static final long WRITE_NS = TimeUnit.SECONDS.toNanos(10);

    private final ManualClock clock = new ManualClock();
    private final ConnectionDeadlines deadlines = new ConnectionDeadlines(DerpClientSettings.builder()
        .nanoClock(clock).keepAliveDeadline(KEEPALIVE_NS, TimeUnit.NANOSECONDS)
        .writeDeadline(WRITE_NS, TimeUnit.NANOSECONDS).build(), "DERP node test");
    /** Not io_uring: the TCP state probe never reports an ended peer, so only the deadlines can fire. */
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    private DerpConnectionException checkAfter(final long sinceLastReadNs, final boolean connected,
                                               final boolean paused) {
        final long lastReadNs = clock.getAsLong();
        return deadlines.check(lastReadNs + sinceLastReadNs, connected, paused, lastReadNs, lastReadNs, channel);
    }

    @Test
    void keepAliveFiresOnlyPastTheDeadline() {
        assertThat(checkAfter(KEEPALIVE_NS, true, false)).isNull();
        assertThat(checkAfter(KEEPALIVE_NS + 1, true, false).failure())
            .isEqualTo(DerpConnectionException.Failure.KEEPALIVE_TIMEOUT);
    }

    @Test
    void keepAliveRunsFromTheLastCompleteFrameNotTheLastByte() {
        final long lastFrameNs = clock.getAsLong();
        final long lastByteNs = lastFrameNs + KEEPALIVE_NS; // a byte of an unfinished frame, just now
        assertThat(deadlines.check(lastFrameNs + KEEPALIVE_NS, true, false, lastByteNs, lastFrameNs, channel))
            .isNull();
        assertThat(deadlines.check(lastFrameNs + KEEPALIVE_NS + 1, true, false, lastByteNs, lastFrameNs, channel)
            .failure()).isEqualTo(DerpConnectionException.Failure.KEEPALIVE_TIMEOUT);
    }

    @Test
    void keepAliveWaitsForTheHandshake() {
        assertThat(checkAfter(KEEPALIVE_NS + 1, false, false)).as("the connect timeout's job").isNull();
    }

    @Test
    void keepAliveDoesNotCountTimePausedByOurOwnRing() {
        assertThat(checkAfter(KEEPALIVE_NS + 1, true, true)).isNull();
    }

    @Test
    void writeDeadlineRunsFromTheFirstUnwritableMoment() {
        final long since = clock.getAsLong();
        deadlines.writable(false);
        clock.advance(WRITE_NS / 2, TimeUnit.NANOSECONDS);
        deadlines.writable(false); // still unwritable: the deadline does not restart
        assertThat(deadlines.check(since + WRITE_NS, false, false, since, since, channel)).isNull();
        assertThat(deadlines.check(since + WRITE_NS + 1, false, false, since, since, channel).failure())
            .isEqualTo(DerpConnectionException.Failure.WRITE_TIMEOUT);
    }

    @Test
    void writableAgainClearsTheWriteDeadline() {
        final long since = clock.getAsLong();
        deadlines.writable(false);
        deadlines.writable(true);
        assertThat(deadlines.check(since + WRITE_NS + 1, false, false, since, since, channel)).isNull();
    }
}
