package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.KEY_LENGTH;
import static io.derpring.internal.frame.DerpProtocol.NONCE_LENGTH;
import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ClientInfo (0x02) payload (SPEC §1.3, §2.2); the box holds the JSON of {@link ClientInfo}.
 * <pre>
 *   0                    32                   56
 *  +--------------------+--------------------+----------------------------------+
 *  | client public key  |   nonce (24 bytes) | box = tag[16] || ciphertext(json) |
 *  +--------------------+--------------------+----------------------------------+
 * </pre>
 * Sealing and opening are in {@link ClientInfoFrame}; this class only knows where things are.
 */
public final class ClientInfoFlyweight {
    public static final int CLIENT_KEY_OFFSET = 0;
    public static final int NONCE_OFFSET = CLIENT_KEY_OFFSET + KEY_LENGTH;
    public static final int BOX_OFFSET = NONCE_OFFSET + NONCE_LENGTH;

    private ClientInfoFlyweight() {
    }

    /** Payload length for a JSON body of {@code jsonLength} bytes. */
    public static int payloadLength(final int jsonLength) {
        return BOX_OFFSET + DerpProtocol.BOX_TAG_LENGTH + jsonLength;
    }

    /**
     * Writes the header, the client key and the nonce of a frame whose box will be {@code boxLength} bytes; the
     * caller seals into {@code frameOffset + HEADER_LENGTH + BOX_OFFSET}. Returns the whole frame length.
     */
    public static int encodePrefix(final MutableDirectBuffer dst, final int frameOffset, final NodeKey clientKey,
                                   final DirectBuffer nonce, final int nonceOffset, final int boxLength) {
        final int payloadLength = BOX_OFFSET + boxLength;
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.CLIENT_INFO, payloadLength);
        final int payload = frameOffset + HEADER_LENGTH;
        clientKey.writeTo(dst, payload + CLIENT_KEY_OFFSET);
        dst.putBytes(payload + NONCE_OFFSET, nonce, nonceOffset, NONCE_LENGTH);
        return HEADER_LENGTH + payloadLength;
    }

    /** Offset of the client key, for {@link NodeKey#matches}. */
    public static int clientKeyOffset(final int payloadOffset) {
        return payloadOffset + CLIENT_KEY_OFFSET;
    }

    public static int nonceOffset(final int payloadOffset) {
        return payloadOffset + NONCE_OFFSET;
    }

    public static int boxOffset(final int payloadOffset) {
        return payloadOffset + BOX_OFFSET;
    }

    /** Box length; negative when the payload is shorter than key + nonce. */
    public static int boxLength(final int payloadLength) {
        return payloadLength - BOX_OFFSET;
    }

    /** Copies the client key out (allocates; once per connection). */
    public static NodeKey readClientKey(final DirectBuffer buffer, final int payloadOffset) {
        return NodeKey.read(buffer, payloadOffset + CLIENT_KEY_OFFSET);
    }
}
