package io.derpring.engine;

/**
 * What a full outbound queue does with one more packet: a region's pending queue while it connects and each
 * connection's queue.
 */
public enum OutboundOverflow {
    /**
     * The default: the new packet is refused with {@link SendResult#BACK_PRESSURED}; nothing queued is dropped, so a
     * caller that retries loses nothing at the client (derpring's divergence from SPEC B65, see engine/README.md).
     */
    BACK_PRESSURE,
    /**
     * Go magicsock's behaviour (SPEC §5.1, B65): the oldest queued packet is dropped, counted, and the new one
     * queued; a sender never waits, and a burst beyond the queue depth loses its oldest packets.
     */
    DROP_OLDEST
}
