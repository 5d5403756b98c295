package io.derpring.engine;

/**
 * What became of one {@link DerpEngine#send} or {@link DerpEngine#sendDisco}, modelled on Aeron's
 * {@code Publication.offer} results. An enum: returning a constant allocates nothing, and a {@code switch} over it
 * reads as the policy it implements.
 *
 * <pre>{@code
 * SendResult r;
 * while ((r = engine.send(peer, buffer, 0, length)) == SendResult.BACK_PRESSURED) {
 *     idle.idle();            // e.g. Agrona's BackoffIdleStrategy; nothing was dropped, try again
 * }
 * idle.reset();
 * }</pre>
 */
public enum SendResult {
    /** In the connection's queue of a connected region: it goes out in order behind what was queued before it. */
    ACCEPTED,
    /** The region is connecting: in its pending queue, sent first once the connection is up. */
    QUEUED,
    /**
     * The queue is full (the connection's, or while connecting the region's pending queue). Nothing was taken and
     * nothing was dropped; the caller may retry, ideally after an idle step. Under
     * {@link OutboundOverflow#DROP_OLDEST} this is only seen in the rare case that every slot is in flight.
     */
    BACK_PRESSURED,
    /**
     * No live region for the peer (no netmap home, no observed route and no home of our own), a disco region not in
     * the DERP map, or the region's connection closed under the send. Not taken; counted.
     */
    NO_ROUTE,
    /**
     * The call itself was wrong: a length outside 0..64 KiB, an offset or length outside the buffer, a null key or
     * buffer, or a destination that is not a netmap peer. Not taken, counted, never thrown.
     */
    REJECTED;

    /** True when the engine took the packet: {@link #ACCEPTED} or {@link #QUEUED}. */
    public boolean taken() {
        return this == ACCEPTED || this == QUEUED;
    }
}
