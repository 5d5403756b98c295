package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.agrona.BitUtil.SIZE_OF_INT;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Restarting (0x15) payload: the server is about to restart; reconnect after the first delay and keep trying for
 * the second (SPEC §1.3, §1.4).
 * <pre>
 *   0                4                8
 *  +----------------+----------------+
 *  | reconnectInMs  | tryForMs       |   both u32 big-endian milliseconds
 *  +----------------+----------------+
 * </pre>
 */
public final class RestartingFlyweight {
    public static final int RECONNECT_IN_OFFSET = 0;
    public static final int TRY_FOR_OFFSET = RECONNECT_IN_OFFSET + SIZE_OF_INT;
    public static final int PAYLOAD_LENGTH = TRY_FOR_OFFSET + SIZE_OF_INT;
    public static final int FRAME_LENGTH = HEADER_LENGTH + PAYLOAD_LENGTH;

    private static final long U32_MAX = 0xFFFF_FFFFL;

    private RestartingFlyweight() {
    }

    /** Writes a Restarting frame; both values must fit a u32. Returns {@link #FRAME_LENGTH}. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final long reconnectInMs,
                             final long tryForMs) {
        if (reconnectInMs < 0 || reconnectInMs > U32_MAX || tryForMs < 0 || tryForMs > U32_MAX) {
            throw new IllegalArgumentException("Restarting values are u32 milliseconds: " + reconnectInMs + ", "
                + tryForMs);
        }
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.RESTARTING, PAYLOAD_LENGTH);
        final int payload = frameOffset + HEADER_LENGTH;
        dst.putInt(payload + RECONNECT_IN_OFFSET, (int) reconnectInMs, BIG_ENDIAN);
        dst.putInt(payload + TRY_FOR_OFFSET, (int) tryForMs, BIG_ENDIAN);
        return FRAME_LENGTH;
    }

    public static long reconnectInMs(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getInt(payloadOffset + RECONNECT_IN_OFFSET, BIG_ENDIAN) & U32_MAX;
    }

    public static long tryForMs(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getInt(payloadOffset + TRY_FOR_OFFSET, BIG_ENDIAN) & U32_MAX;
    }
}
