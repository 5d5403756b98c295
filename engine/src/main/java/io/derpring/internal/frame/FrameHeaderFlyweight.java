package io.derpring.internal.frame;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_INT;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * DERP frame header (SPEC §1.2): a type byte, then the big-endian length of the payload that follows.
 * <pre>
 *   0       1       2       3       4       5
 *  +-------+-------+-------+-------+-------+----------------------
 *  | type  |   payload length (u32 big-endian)  | payload ...
 *  +-------+-------+-------+-------+-------+----------------------
 * </pre>
 * The length excludes the 5 header bytes. Any {@code u32} parses ({@code 05 ff ff ff ff} is type 5, length
 * 4 294 967 295, Go {@code TestReadFrameHeader}); limits are the reader's business, applied after parsing.
 */
public final class FrameHeaderFlyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = TYPE_OFFSET + SIZE_OF_BYTE;
    /** derp.go {@code frameHeaderLen = 1 + 4}. */
    public static final int HEADER_LENGTH = LENGTH_OFFSET + SIZE_OF_INT;

    private FrameHeaderFlyweight() {
    }

    /** The type byte as 0..255. */
    public static int type(final DirectBuffer buffer, final int frameOffset) {
        return buffer.getByte(frameOffset + TYPE_OFFSET) & 0xFF;
    }

    /** The payload length as unsigned: compare with a limit before using it as a size. */
    public static long payloadLength(final DirectBuffer buffer, final int frameOffset) {
        return buffer.getInt(frameOffset + LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /**
     * Writes a header at {@code frameOffset} and returns {@link #HEADER_LENGTH}.
     *
     * @throws IllegalArgumentException for a negative length or one above {@link FrameLimits#MAX_WRITE_PAYLOAD_LENGTH}
     *                                  (Go {@code WriteFrame}: "unreasonably large frame write"); a caller bug
     */
    public static int write(final MutableDirectBuffer buffer, final int frameOffset, final int type, final int payloadLength) {
        if (payloadLength < 0 || payloadLength > FrameLimits.MAX_WRITE_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("unreasonably large frame write: " + payloadLength
                + " bytes, max " + FrameLimits.MAX_WRITE_PAYLOAD_LENGTH);
        }
        buffer.putByte(frameOffset + TYPE_OFFSET, (byte) type);
        buffer.putInt(frameOffset + LENGTH_OFFSET, payloadLength, BIG_ENDIAN);
        return HEADER_LENGTH;
    }
}
