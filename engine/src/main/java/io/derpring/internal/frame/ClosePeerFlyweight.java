package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.KEY_LENGTH;
import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ClosePeer (0x11) payload, mesh only: close every local connection of this key (SPEC §1.3, §3.9).
 * <pre>
 *   0                    32
 *  +--------------------+
 *  | peer public key    |   exactly 32 bytes
 *  +--------------------+
 * </pre>
 */
public final class ClosePeerFlyweight {
    public static final int PEER_KEY_OFFSET = 0;
    public static final int PAYLOAD_LENGTH = PEER_KEY_OFFSET + KEY_LENGTH;
    public static final int FRAME_LENGTH = HEADER_LENGTH + PAYLOAD_LENGTH;

    private ClosePeerFlyweight() {
    }

    /** Writes a ClosePeer frame; returns {@link #FRAME_LENGTH}. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final NodeKey peer) {
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.CLOSE_PEER, PAYLOAD_LENGTH);
        peer.writeTo(dst, frameOffset + HEADER_LENGTH + PEER_KEY_OFFSET);
        return FRAME_LENGTH;
    }

    public static int peerKeyOffset(final int payloadOffset) {
        return payloadOffset + PEER_KEY_OFFSET;
    }

    /** Copies the key out (allocates; ClosePeer is rare). */
    public static NodeKey readPeer(final DirectBuffer buffer, final int payloadOffset) {
        return NodeKey.read(buffer, payloadOffset + PEER_KEY_OFFSET);
    }
}
