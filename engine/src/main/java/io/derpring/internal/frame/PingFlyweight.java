package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Ping (0x12) and Pong (0x13) payloads: 8 opaque bytes; a Pong echoes the Ping it answers (SPEC §1.3, §3.6).
 * <pre>
 *   0                               8
 *  +-------------------------------+
 *  |        data (8 bytes)         |
 *  +-------------------------------+
 * </pre>
 * The reader delivers only the first 8 bytes of a longer Ping (both sides; the server allows up to 1000).
 * The data can be handled as one big-endian {@code long}, which keeps Pong replies allocation-free.
 */
public final class PingFlyweight {
    public static final int DATA_OFFSET = 0;
    public static final int DATA_LENGTH = FrameLimits.PING_DATA_LENGTH;
    public static final int FRAME_LENGTH = HEADER_LENGTH + DATA_LENGTH;

    private PingFlyweight() {
    }

    /** Writes a Ping frame; returns {@link #FRAME_LENGTH}. */
    public static int encodePing(final MutableDirectBuffer dst, final int frameOffset, final long data) {
        return encode(dst, frameOffset, FrameType.PING, data);
    }

    /** Writes a Pong frame; returns {@link #FRAME_LENGTH}. */
    public static int encodePong(final MutableDirectBuffer dst, final int frameOffset, final long data) {
        return encode(dst, frameOffset, FrameType.PONG, data);
    }

    /** Writes a Pong echoing the 8 data bytes at {@code src[dataOffset]}; returns {@link #FRAME_LENGTH}. */
    public static int encodePong(final MutableDirectBuffer dst, final int frameOffset, final DirectBuffer src,
                                 final int dataOffset) {
        return encode(dst, frameOffset, FrameType.PONG, src.getLong(dataOffset, BIG_ENDIAN));
    }

    private static int encode(final MutableDirectBuffer dst, final int frameOffset, final int type, final long data) {
        FrameHeaderFlyweight.write(dst, frameOffset, type, DATA_LENGTH);
        dst.putLong(frameOffset + HEADER_LENGTH + DATA_OFFSET, data, BIG_ENDIAN);
        return FRAME_LENGTH;
    }

    /** The 8 data bytes as a big-endian long. */
    public static long data(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getLong(payloadOffset + DATA_OFFSET, BIG_ENDIAN);
    }
}
