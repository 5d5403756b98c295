package io.derpring.internal.ring;

import io.derpring.engine.RingFullPolicy;

/**
 * A connection that stops reading while the ring is full. Under {@link RingFullPolicy#BACKPRESSURE}, a refused
 * {@link InboundRing#offer} calls {@link #pauseReading()} on the offering thread before it returns
 * {@link InboundRing#FULL}; the ring later calls {@link #resumeReading()} exactly once for that pause, from a stage
 * thread or from a producer thread, when slots are free again. The refused frame was not taken: the connection
 * keeps it and offers it again first when it resumes.
 *
 * <p>Implementations must be thread-safe and must not block (a Netty connection flips {@code autoRead} on its own
 * event loop).
 */
public interface BackpressureListener {
    void pauseReading();

    void resumeReading();
}
