package io.derpring.server;

import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * SPEC §2.2 / B8: from accept to an accepted ClientInfo (HTTP request and greeting included) a connection has the
 * handshake deadline (Go: 10 s to write ServerKey, 10 s to read ClientInfo); past it, the connection is closed and
 * counted as {@link ConnectionEnd#HANDSHAKE_TIMEOUT}.
 */
final class HandshakeDeadline implements Runnable {
    private final Channel channel;
    private final ConnectionTracker tracker;
    private ScheduledFuture<?> timer;
    private boolean done;
    private boolean expired;

    HandshakeDeadline(final Channel channel, final ConnectionTracker tracker, final long timeoutNs) {
        this.channel = channel;
        this.tracker = tracker;
        this.timer = channel.eventLoop().schedule(this, timeoutNs, TimeUnit.NANOSECONDS);
    }

    /**
     * The handshake completed in time: the deadline no longer applies, counted as
     * {@link ServerCounter#HANDSHAKE_DEADLINES_MET} once the timer can no longer fire (it runs on this same event
     * loop and checks {@code done}), so a test waiting on the count knows no handshake timeout can follow.
     */
    void met() {
        if (cancel()) {
            tracker.counters.increment(ServerCounter.HANDSHAKE_DEADLINES_MET);
        }
    }

    /** The connection ended or was refused before its handshake completed: the deadline no longer applies. */
    void complete() {
        cancel();
    }

    private boolean cancel() {
        if (done) {
            return false;
        }
        done = true;
        timer.cancel(false);
        timer = null;
        return true;
    }

    @Override
    public void run() {
        if (!done) {
            done = true;
            expired = true;
            tracker.closeWith(channel, ConnectionEnd.HANDSHAKE_TIMEOUT);
        }
    }

    /** True once the deadline passed before the handshake completed. */
    boolean expired() {
        return expired;
    }
}
