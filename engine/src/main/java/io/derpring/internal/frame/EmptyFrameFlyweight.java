package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import org.agrona.MutableDirectBuffer;

/**
 * The frames with no payload: KeepAlive (0x06, S→C, a no-op that needs no reply) and WatchConns (0x10, mesh
 * C→S). Only a header: {@code type || 00 00 00 00} (Go golden {@code 06 00 00 00 00}).
 */
public final class EmptyFrameFlyweight {
    public static final int FRAME_LENGTH = HEADER_LENGTH;

    private EmptyFrameFlyweight() {
    }

    /** Writes a KeepAlive frame; returns {@link #FRAME_LENGTH}. */
    public static int encodeKeepAlive(final MutableDirectBuffer dst, final int frameOffset) {
        return FrameHeaderFlyweight.write(dst, frameOffset, FrameType.KEEP_ALIVE, 0);
    }

    /** Writes a WatchConns frame; returns {@link #FRAME_LENGTH}. */
    public static int encodeWatchConns(final MutableDirectBuffer dst, final int frameOffset) {
        return FrameHeaderFlyweight.write(dst, frameOffset, FrameType.WATCH_CONNS, 0);
    }
}
