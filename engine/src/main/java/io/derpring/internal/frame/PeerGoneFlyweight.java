package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.KEY_LENGTH;
import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.agrona.BitUtil.SIZE_OF_BYTE;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * PeerGone (0x08) payload (SPEC §1.3): a peer that sent to you, or that you sent to, is not reachable here.
 * <pre>
 *   0                    32
 *  +--------------------+--------+
 *  | peer public key    | reason |   older servers send only the key: reason = Disconnected
 *  +--------------------+--------+
 * </pre>
 * Unknown reason values are accepted as they are (Go logs "[unexpected]" and still removes the route).
 */
public final class PeerGoneFlyweight {
    public static final int PEER_KEY_OFFSET = 0;
    public static final int REASON_OFFSET = PEER_KEY_OFFSET + KEY_LENGTH;
    /** Current servers: key + reason. */
    public static final int PAYLOAD_LENGTH = REASON_OFFSET + SIZE_OF_BYTE;
    /** Older servers: the key only. */
    public static final int LEGACY_PAYLOAD_LENGTH = REASON_OFFSET;

    /** derp.go {@code PeerGoneReasonDisconnected}: the peer was connected here and left. */
    public static final int REASON_DISCONNECTED = 0x00;
    /** derp.go {@code PeerGoneReasonNotHere}: the server does not know the destination. */
    public static final int REASON_NOT_HERE = 0x01;
    /** derp.go {@code PeerGoneReasonMeshConnBroke}: made up locally by the mesh watcher; never on the wire. */
    public static final int REASON_MESH_CONN_BROKE = 0xf0;

    private PeerGoneFlyweight() {
    }

    /** Writes a PeerGone frame with a reason byte; returns the bytes written. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final NodeKey peer, final int reason) {
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.PEER_GONE, PAYLOAD_LENGTH);
        peer.writeTo(dst, frameOffset + HEADER_LENGTH + PEER_KEY_OFFSET);
        dst.putByte(frameOffset + HEADER_LENGTH + REASON_OFFSET, (byte) reason);
        return HEADER_LENGTH + PAYLOAD_LENGTH;
    }

    /** Writes the older key-only form, as servers before the reason byte did; returns the bytes written. */
    public static int encodeWithoutReason(final MutableDirectBuffer dst, final int frameOffset, final NodeKey peer) {
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.PEER_GONE, LEGACY_PAYLOAD_LENGTH);
        peer.writeTo(dst, frameOffset + HEADER_LENGTH + PEER_KEY_OFFSET);
        return HEADER_LENGTH + LEGACY_PAYLOAD_LENGTH;
    }

    public static int peerKeyOffset(final int payloadOffset) {
        return payloadOffset + PEER_KEY_OFFSET;
    }

    /** derp_client.go: the reason is {@code b[32]} when present, else Disconnected; any value is returned. */
    public static int reason(final DirectBuffer buffer, final int payloadOffset, final int payloadLength) {
        return payloadLength > REASON_OFFSET
            ? buffer.getByte(payloadOffset + REASON_OFFSET) & 0xFF
            : REASON_DISCONNECTED;
    }

    /** For messages: "Disconnected", "NotHere", "MeshConnBroke" or "unexpected(0x..)". */
    public static String reasonName(final int reason) {
        switch (reason) {
            case REASON_DISCONNECTED:
                return "Disconnected";
            case REASON_NOT_HERE:
                return "NotHere";
            case REASON_MESH_CONN_BROKE:
                return "MeshConnBroke";
            default:
                return String.format("unexpected(0x%02x)", reason);
        }
    }

    /** Copies the key out (allocates; PeerGone is rare). */
    public static NodeKey readPeer(final DirectBuffer buffer, final int payloadOffset) {
        return NodeKey.read(buffer, payloadOffset + PEER_KEY_OFFSET);
    }
}
