package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.KEY_LENGTH;
import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * SendPacket (0x04) and RecvPacket (0x05) payloads: one key, then the packet (SPEC §1.3). In SendPacket the key is
 * the destination, in RecvPacket (protocol v2) the source.
 * <pre>
 *   0                    32
 *  +--------------------+---------------------------------+
 *  | dst/src public key |  packet (0..65536 bytes)        |
 *  +--------------------+---------------------------------+
 * </pre>
 */
public final class PacketFlyweight {
    public static final int KEY_OFFSET = 0;
    public static final int PACKET_OFFSET = KEY_OFFSET + KEY_LENGTH;

    private PacketFlyweight() {
    }

    /** Whole frame length for a packet of {@code packetLength} bytes. */
    public static int frameLength(final int packetLength) {
        return HEADER_LENGTH + PACKET_OFFSET + packetLength;
    }

    /** Writes a SendPacket frame; returns the bytes written. */
    public static int encodeSendPacket(final MutableDirectBuffer dst, final int frameOffset, final NodeKey destination,
                                       final DirectBuffer packet, final int packetOffset, final int packetLength) {
        return encode(dst, frameOffset, FrameType.SEND_PACKET, destination, packet, packetOffset, packetLength);
    }

    /** Writes a RecvPacket frame; returns the bytes written. */
    public static int encodeRecvPacket(final MutableDirectBuffer dst, final int frameOffset, final NodeKey source,
                                       final DirectBuffer packet, final int packetOffset, final int packetLength) {
        return encode(dst, frameOffset, FrameType.RECV_PACKET, source, packet, packetOffset, packetLength);
    }

    /** Writes a RecvPacket frame whose source key is taken from a buffer (relaying without a key object). */
    public static int encodeRecvPacket(final MutableDirectBuffer dst, final int frameOffset,
                                       final DirectBuffer sourceKey, final int sourceKeyOffset,
                                       final DirectBuffer packet, final int packetOffset, final int packetLength) {
        final int payload = writeHeader(dst, frameOffset, FrameType.RECV_PACKET, packetLength);
        dst.putBytes(payload + KEY_OFFSET, sourceKey, sourceKeyOffset, KEY_LENGTH);
        dst.putBytes(payload + PACKET_OFFSET, packet, packetOffset, packetLength);
        return frameLength(packetLength);
    }

    private static int encode(final MutableDirectBuffer dst, final int frameOffset, final int type, final NodeKey key,
                              final DirectBuffer packet, final int packetOffset, final int packetLength) {
        final int payload = writeHeader(dst, frameOffset, type, packetLength);
        key.writeTo(dst, payload + KEY_OFFSET);
        dst.putBytes(payload + PACKET_OFFSET, packet, packetOffset, packetLength);
        return frameLength(packetLength);
    }

    private static int writeHeader(final MutableDirectBuffer dst, final int frameOffset, final int type,
                                   final int packetLength) {
        checkPacketLength(packetLength);
        FrameHeaderFlyweight.write(dst, frameOffset, type, PACKET_OFFSET + packetLength);
        return frameOffset + HEADER_LENGTH;
    }

    /** derp_client.go {@code send}: "packet too big" above {@link FrameLimits#MAX_PACKET_SIZE}; a caller bug here. */
    static void checkPacketLength(final int packetLength) {
        if (packetLength < 0 || packetLength > FrameLimits.MAX_PACKET_SIZE) {
            throw new IllegalArgumentException("packet too big: " + packetLength + " bytes, max "
                + FrameLimits.MAX_PACKET_SIZE);
        }
    }

    /** Offset of the key, for {@link NodeKey#matches}. */
    public static int keyOffset(final int payloadOffset) {
        return payloadOffset + KEY_OFFSET;
    }

    public static int packetOffset(final int payloadOffset) {
        return payloadOffset + PACKET_OFFSET;
    }

    /** Packet length for a payload of {@code payloadLength} bytes (the reader guarantees {@code >= 32}). */
    public static int packetLength(final int payloadLength) {
        return payloadLength - PACKET_OFFSET;
    }
}
