package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.KEY_LENGTH;
import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ForwardPacket (0x0a) payload, sent between the servers of a mesh (SPEC §1.3, §3.9).
 * <pre>
 *   0                    32                   64
 *  +--------------------+--------------------+-------------------------+
 *  | src public key     | dst public key     | packet (0..65536 bytes) |
 *  +--------------------+--------------------+-------------------------+
 * </pre>
 */
public final class ForwardPacketFlyweight {
    public static final int SOURCE_KEY_OFFSET = 0;
    public static final int DESTINATION_KEY_OFFSET = SOURCE_KEY_OFFSET + KEY_LENGTH;
    public static final int PACKET_OFFSET = DESTINATION_KEY_OFFSET + KEY_LENGTH;

    private ForwardPacketFlyweight() {
    }

    public static int frameLength(final int packetLength) {
        return HEADER_LENGTH + PACKET_OFFSET + packetLength;
    }

    /** Writes a ForwardPacket frame; returns the bytes written. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final NodeKey source,
                             final NodeKey destination, final DirectBuffer packet, final int packetOffset,
                             final int packetLength) {
        PacketFlyweight.checkPacketLength(packetLength);
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.FORWARD_PACKET, PACKET_OFFSET + packetLength);
        final int payload = frameOffset + HEADER_LENGTH;
        source.writeTo(dst, payload + SOURCE_KEY_OFFSET);
        destination.writeTo(dst, payload + DESTINATION_KEY_OFFSET);
        dst.putBytes(payload + PACKET_OFFSET, packet, packetOffset, packetLength);
        return frameLength(packetLength);
    }

    /**
     * Writes a ForwardPacket frame whose destination key and packet are copied from {@code src} (a SendPacket being
     * relayed to a mesh peer, so nothing is decoded into objects); returns the bytes written.
     */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final NodeKey source,
                             final DirectBuffer src, final int destinationKeyOffset, final int packetOffset,
                             final int packetLength) {
        PacketFlyweight.checkPacketLength(packetLength);
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.FORWARD_PACKET, PACKET_OFFSET + packetLength);
        final int payload = frameOffset + HEADER_LENGTH;
        source.writeTo(dst, payload + SOURCE_KEY_OFFSET);
        dst.putBytes(payload + DESTINATION_KEY_OFFSET, src, destinationKeyOffset, KEY_LENGTH);
        dst.putBytes(payload + PACKET_OFFSET, src, packetOffset, packetLength);
        return frameLength(packetLength);
    }

    public static int sourceKeyOffset(final int payloadOffset) {
        return payloadOffset + SOURCE_KEY_OFFSET;
    }

    public static int destinationKeyOffset(final int payloadOffset) {
        return payloadOffset + DESTINATION_KEY_OFFSET;
    }

    public static int packetOffset(final int payloadOffset) {
        return payloadOffset + PACKET_OFFSET;
    }

    /** Packet length for a payload of {@code payloadLength} bytes (the reader guarantees {@code >= 64}). */
    public static int packetLength(final int payloadLength) {
        return payloadLength - PACKET_OFFSET;
    }
}
