package io.derpring.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Why a connection's reading is paused. Several rules may pause the same channel (its HTTP answers are not draining,
 * the relay is over its direct-memory budget, its admission is pending, it owes receive-rate debt); reading resumes
 * ({@code autoRead} back on) only once none holds, so one rule never lifts another's pause. Call only on the
 * channel's event loop.
 */
enum ReadPause {
    /** HTTP answers wait above the write-buffer high-water mark: read no more requests until they drain. */
    HTTP_BACKPRESSURE,
    /** The relay's direct memory is over its budget ({@link DirectMemoryBudget}). */
    DIRECT_MEMORY,
    /** SPEC §3.8: the client's admission is being decided; the bytes after ClientInfo wait for the decision. */
    ADMISSION,
    /** SPEC §3.7: the client is over its receive rate; TCP slows it until its bucket is out of debt. */
    RECEIVE_RATE,
    /** A destination the client wrote to is backlogged: reading waits until it drains, or for a bounded time. */
    DESTINATION_BACKLOG;

    private static final AttributeKey<Reasons> REASONS = AttributeKey.valueOf("derpring.readPause");

    private final int bit = 1 << ordinal();

    /** Stops reading {@code channel} for this reason. */
    void pause(final Channel channel) {
        final Reasons r = reasons(channel);
        r.bits |= bit;
        channel.config().setAutoRead(false);
    }

    /** Lifts this reason; reading resumes if no other holds. */
    void resume(final Channel channel) {
        final Reasons r = channel.attr(REASONS).get();
        if (r == null || (r.bits & bit) == 0) {
            return;
        }
        r.bits &= ~bit;
        if (r.bits == 0) {
            channel.config().setAutoRead(true); // Netty issues the read this implies
        }
    }

    boolean holds(final Channel channel) {
        final Reasons r = channel.attr(REASONS).get();
        return r != null && (r.bits & bit) != 0;
    }

    private static Reasons reasons(final Channel channel) {
        Reasons r = channel.attr(REASONS).get();
        if (r == null) {
            r = new Reasons();
            channel.attr(REASONS).set(r);
        }
        return r;
    }

    /** Per channel, touched only on its loop. */
    private static final class Reasons {
        int bits;
    }
}
