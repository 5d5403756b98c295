package io.derpring.internal.frame;

import org.agrona.DirectBuffer;

/**
 * Receives what a {@link FrameReader} reads. Called on the reader's thread, from inside
 * {@link FrameReader#onData}; implementations must not call {@code onData} re-entrantly.
 *
 * <p>Buffer ownership: the view passed to {@link #onFrame} is lent for the duration of the call only. It points
 * either into the caller's chunk (zero copy) or into the reader's staging buffer, both of which are reused as soon
 * as the call returns. Copy what must outlive the call.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * A complete frame that passed this side's rules. {@code buffer[offset, offset + length)} is the payload, or only
     * its first bytes where the side reads no further (Ping/Pong: 8, PeerGone: 33, PeerPresent: 51, the client's
     * ServerKey: 40, KeepAlive: 0); the rest was skipped.
     */
    void onFrame(int type, DirectBuffer buffer, int offset, int length);

    /** One frame was discarded and reading goes on; {@code length} is its declared payload length. */
    default void onDrop(final FrameDrop reason, final int type, final long length) {
    }

    /**
     * The reader failed and is now dead; called once. {@code type} and {@code length} are those of the offending
     * frame ({@link FrameError#describe} turns them into the message). The connection should close.
     */
    default void onError(final FrameError error, final int type, final long length) {
    }
}
