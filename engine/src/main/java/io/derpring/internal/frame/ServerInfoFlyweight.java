package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.NONCE_LENGTH;
import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ServerInfo (0x03) payload (SPEC §1.3, §2.4); the box holds the JSON of {@link ServerInfo}.
 * <pre>
 *   0                    24
 *  +--------------------+----------------------------------+
 *  |   nonce (24 bytes) | box = tag[16] || ciphertext(json) |
 *  +--------------------+----------------------------------+
 * </pre>
 * Sealing and opening are in {@link ServerInfoFrame}.
 */
public final class ServerInfoFlyweight {
    public static final int NONCE_OFFSET = 0;
    public static final int BOX_OFFSET = NONCE_OFFSET + NONCE_LENGTH;

    private ServerInfoFlyweight() {
    }

    /** Payload length for a JSON body of {@code jsonLength} bytes. */
    public static int payloadLength(final int jsonLength) {
        return BOX_OFFSET + DerpProtocol.BOX_TAG_LENGTH + jsonLength;
    }

    /**
     * Writes the header and the nonce of a frame whose box will be {@code boxLength} bytes; the caller seals into
     * {@code frameOffset + HEADER_LENGTH + BOX_OFFSET}. Returns the whole frame length.
     */
    public static int encodePrefix(final MutableDirectBuffer dst, final int frameOffset,
                                   final DirectBuffer nonce, final int nonceOffset, final int boxLength) {
        final int payloadLength = BOX_OFFSET + boxLength;
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.SERVER_INFO, payloadLength);
        dst.putBytes(frameOffset + HEADER_LENGTH + NONCE_OFFSET, nonce, nonceOffset, NONCE_LENGTH);
        return HEADER_LENGTH + payloadLength;
    }

    public static int nonceOffset(final int payloadOffset) {
        return payloadOffset + NONCE_OFFSET;
    }

    public static int boxOffset(final int payloadOffset) {
        return payloadOffset + BOX_OFFSET;
    }

    /** Box length; negative when the payload is shorter than the nonce. */
    public static int boxLength(final int payloadLength) {
        return payloadLength - BOX_OFFSET;
    }
}
