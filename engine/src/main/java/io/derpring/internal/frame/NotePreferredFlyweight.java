package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.agrona.BitUtil.SIZE_OF_BYTE;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * NotePreferred (0x07) payload: exactly one byte (SPEC §1.3, §1.5).
 * <pre>
 *   0
 *  +-----------+
 *  | preferred |  0x01 = this is the client's home region, 0x00 = it is not
 *  +-----------+
 * </pre>
 */
public final class NotePreferredFlyweight {
    public static final int PREFERRED_OFFSET = 0;
    public static final int PAYLOAD_LENGTH = PREFERRED_OFFSET + SIZE_OF_BYTE;
    public static final int FRAME_LENGTH = HEADER_LENGTH + PAYLOAD_LENGTH;

    private NotePreferredFlyweight() {
    }

    /** Writes a NotePreferred frame; returns {@link #FRAME_LENGTH}. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final boolean preferred) {
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.NOTE_PREFERRED, PAYLOAD_LENGTH);
        dst.putByte(frameOffset + HEADER_LENGTH + PREFERRED_OFFSET, (byte) (preferred ? 1 : 0));
        return FRAME_LENGTH;
    }

    /** derpserver.go: any non-zero value means preferred. */
    public static boolean preferred(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getByte(payloadOffset + PREFERRED_OFFSET) != 0;
    }
}
