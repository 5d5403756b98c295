package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Health (0x14) payload: the whole payload is UTF-8 problem text; empty means healthy again (SPEC §1.3, §1.4).
 * <pre>
 *   0
 *  +-----------------------------------------+
 *  | problem text (UTF-8, 0..n bytes)         |
 *  +-----------------------------------------+
 * </pre>
 * Go's current server never sends it, but clients must accept it without error. Rare, so the text conveniences
 * allocate.
 */
public final class HealthFlyweight {
    public static final int TEXT_OFFSET = 0;

    private HealthFlyweight() {
    }

    /** Writes a Health frame (allocates while encoding the text); returns the bytes written. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final String problem) {
        final int length = dst.putStringWithoutLengthUtf8(frameOffset + HEADER_LENGTH + TEXT_OFFSET, problem);
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.HEALTH, length);
        return HEADER_LENGTH + length;
    }

    /** True for the empty "healthy again" message. */
    public static boolean isHealthy(final int payloadLength) {
        return payloadLength == 0;
    }

    /** Allocating convenience: the problem text; invalid UTF-8 becomes U+FFFD. */
    public static String readProblem(final DirectBuffer buffer, final int payloadOffset, final int payloadLength) {
        return buffer.getStringWithoutLengthUtf8(payloadOffset + TEXT_OFFSET, payloadLength);
    }
}
