package io.derpring.internal.stun;

import io.derpring.internal.metrics.Counters;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The socket-free STUN server: checks each datagram as Go's server does ({@link BindingRequest}), limits answers per
 * source ({@link SourceRateLimiter}), writes the answer ({@link BindingResponse}) and counts every outcome
 * ({@link StunCounter}). A datagram that earns no answer gets none, so the port cannot be used to reflect traffic.
 *
 * <p>Single-threaded (the STUN channel's event loop), as its limiter is; counters may be read from any thread.
 * Allocates nothing.
 */
public final class StunResponder {
    /** Returned by {@link #onDatagram} when the datagram is ignored. */
    public static final int NO_ANSWER = 0;

    private final SourceRateLimiter limiter;
    private final Counters<StunCounter> counters;

    public StunResponder(final SourceRateLimiter limiter, final Counters<StunCounter> counters) {
        this.limiter = limiter;
        this.counters = counters;
    }

    /**
     * Handles the {@code length}-byte datagram at {@code offset}, sent from {@code address} (4 or 16 bytes) and
     * {@code port}: writes the answer into {@code out} at {@code outOffset} (room for
     * {@link BindingResponse#MAX_LENGTH}) and returns its length, or returns {@link #NO_ANSWER}, counted.
     */
    public int onDatagram(final DirectBuffer in, final int offset, final int length, final byte[] address,
                          final int port, final long nowNs, final MutableDirectBuffer out, final int outOffset) {
        final StunRequestCheck check = BindingRequest.check(in, offset, length);
        if (check != StunRequestCheck.TAILNODE_BINDING_REQUEST) {
            counters.incrementOwned(StunCounter.of(check));
            return NO_ANSWER;
        }
        // Only requests that would be answered spend the source's budget: junk from a spoofed neighbour in the same
        // bucket cannot starve a real client of answers.
        if (!limiter.tryAcquire(address, nowNs)) {
            counters.incrementOwned(StunCounter.RATE_LIMITED);
            return NO_ANSWER;
        }
        counters.incrementOwned(StunCounter.ANSWERED);
        return BindingResponse.write(out, outOffset, in, offset, address, port);
    }

    public Counters<StunCounter> counters() {
        return counters;
    }
}
