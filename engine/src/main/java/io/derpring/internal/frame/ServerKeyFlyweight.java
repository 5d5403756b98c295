package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.KEY_LENGTH;
import static io.derpring.internal.frame.DerpProtocol.MAGIC_LENGTH;
import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static java.nio.ByteOrder.BIG_ENDIAN;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ServerKey (0x01) payload, the server's greeting (SPEC §1.3, §2.2).
 * <pre>
 *   0               8                                        40
 *  +---------------+----------------------------------------+-----------------
 *  | Magic "DERP🔑" |       server public key (32 bytes)      | future bytes ...
 *  +---------------+----------------------------------------+-----------------
 * </pre>
 * Bytes after the 40 are reserved for future use and ignored by clients.
 */
public final class ServerKeyFlyweight {
    public static final int MAGIC_OFFSET = 0;
    public static final int SERVER_KEY_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int PAYLOAD_LENGTH = SERVER_KEY_OFFSET + KEY_LENGTH;
    public static final int FRAME_LENGTH = HEADER_LENGTH + PAYLOAD_LENGTH;

    private ServerKeyFlyweight() {
    }

    /** Writes a complete ServerKey frame; returns {@link #FRAME_LENGTH}. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final NodeKey serverKey) {
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.SERVER_KEY, PAYLOAD_LENGTH);
        final int payload = frameOffset + HEADER_LENGTH;
        dst.putLong(payload + MAGIC_OFFSET, DerpProtocol.MAGIC_AS_LONG, BIG_ENDIAN);
        serverKey.writeTo(dst, payload + SERVER_KEY_OFFSET);
        return FRAME_LENGTH;
    }

    /** True when the payload holds at least the magic and a key and starts with the magic. */
    public static boolean isValidGreeting(final DirectBuffer buffer, final int payloadOffset, final int payloadLength) {
        return payloadLength >= PAYLOAD_LENGTH
            && buffer.getLong(payloadOffset + MAGIC_OFFSET, BIG_ENDIAN) == DerpProtocol.MAGIC_AS_LONG;
    }

    /** Offset of the server key inside the buffer, for {@link NodeKey#matches}. */
    public static int serverKeyOffset(final int payloadOffset) {
        return payloadOffset + SERVER_KEY_OFFSET;
    }

    /** Copies the server key out (allocates; once per connection). */
    public static NodeKey readServerKey(final DirectBuffer buffer, final int payloadOffset) {
        return NodeKey.read(buffer, payloadOffset + SERVER_KEY_OFFSET);
    }
}
