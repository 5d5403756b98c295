package io.derpring.internal.relay;

import org.agrona.DirectBuffer;

/**
 * One client connection's outbound side (engine to wire). Called only on the thread of the shard that owns the
 * client. Writes are buffered by the transport until {@link #flush}; the relay writes only while
 * {@link #isWritable} and flushes once per pass, so a slow receiver costs queue slots, never a blocked reader.
 *
 * @param <F> the transport's frame handle, from {@link FrameMemory}
 */
public interface ClientSink<F> {
    /** False while the transport's outbound buffer is above its high-water mark. */
    boolean isWritable();

    /** Writes a queued frame of {@code length} bytes; ownership passes to the sink. */
    void writePacket(F frame, int length);

    /** Writes a small control frame (Pong, KeepAlive, PeerGone, ...) copied from {@code src}. */
    void writeControl(DirectBuffer src, int offset, int length);

    /** Sends what was written. */
    void flush();

    /**
     * How many written frames have wholly left the transport (handed to the OS) so far; only grows. The relay's write
     * deadline restarts each time this moves (derper sets its write deadline before each frame), never on partial
     * progress, so a reader that takes one byte at a time cannot hold a queue forever.
     */
    long framesSent();

    /** True while some written frame has not wholly left the transport. */
    boolean hasUnsentFrames();

    /**
     * Stops reading this connection after the frame being delivered, for at most {@code maxNs}: a destination it
     * wrote to is backlogged. The transport then offers the unread bytes again after
     * {@link RelaySession#resumeReading} or {@link RelaySession#pauseTimedOut}. Shard thread. A sink that cannot
     * pause (a mesh link, a test sink) answers false and the relay drops at the full queue as derper does.
     *
     * @return true when reading paused (the transport then holds the bytes {@link RelaySession#onData} leaves)
     */
    default boolean pauseReading(final long maxNs) {
        return false;
    }

    /** Whether {@link #pauseReading} can pause at all: a sink that cannot is never registered as a paused sender. */
    default boolean canPauseReading() {
        return false;
    }

    /**
     * Any thread: the destination this connection's reading paused for drained; resume reading soon, but not inside
     * this call. The shard calls it from the end of its pass, where a {@code RelayShard.requestPass} raised by frames
     * read here would be swallowed (a pass is never requested from inside one); the Netty sink posts the read to the
     * channel's executor.
     */
    default void resumeReading() {
    }

    /** Closes the connection; the transport later reports it through {@link RelayClient#close}. Idempotent. */
    void close();
}
