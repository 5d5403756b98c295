package io.derpring.engine;

/** What the inbound ring does when no slot is free. It never blocks the I/O thread either way. */
public enum RingFullPolicy {
    /**
     * Loss-free default: the frame is not taken, {@code offer} returns FULL, and the connection
     * pauses reading until the ring drains (it is resumed), as Go's DERP reader waits
     * for the packet to be consumed before reading the next.
     */
    BACKPRESSURE,
    /** The new frame is dropped and counted (inbound counter {@code DROPPED_RING_FULL}); reading continues. */
    DROP_NEWEST
}
