package io.derpring.internal.frame;

import static io.derpring.internal.frame.DerpProtocol.KEY_LENGTH;
import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * PeerPresent (0x09) payload, sent to mesh watchers (SPEC §1.3). Three lengths exist: 32 (old servers), 50 (with the
 * peer's ip:port) and 51 (with flags, current servers).
 * <pre>
 *   0                    32                   48        50      51
 *  +--------------------+--------------------+---------+-------+
 *  | peer public key    | ip (16 bytes)      | port    | flags |
 *  |                    | IPv4 as ::ffff:a.b | u16be   |  u8   |
 *  +--------------------+--------------------+---------+-------+
 * </pre>
 * Decoders unmap IPv4-mapped addresses. Flags 0 (or absent) means the server doesn't support flags.
 */
public final class PeerPresentFlyweight {
    public static final int PEER_KEY_OFFSET = 0;
    public static final int IP_OFFSET = PEER_KEY_OFFSET + KEY_LENGTH;
    public static final int IP_LENGTH = 16;
    public static final int PORT_OFFSET = IP_OFFSET + IP_LENGTH;
    public static final int FLAGS_OFFSET = PORT_OFFSET + SIZE_OF_SHORT;
    /** Old servers: the key only. */
    public static final int KEY_ONLY_LENGTH = IP_OFFSET;
    /** Key and ip:port. */
    public static final int WITH_ENDPOINT_LENGTH = FLAGS_OFFSET;
    /** Key, ip:port and flags (current servers). */
    public static final int WITH_FLAGS_LENGTH = FLAGS_OFFSET + SIZE_OF_BYTE;

    /** derp.go {@code PeerPresentFlags}: 0 = the server doesn't send flags. */
    public static final int FLAGS_UNSUPPORTED = 0x00;
    /** A normal client: none of the other flags applies. */
    public static final int FLAG_IS_REGULAR = 0x01;
    /** The peer is another server of the mesh. */
    public static final int FLAG_IS_MESH_PEER = 0x02;
    /** The peer said it is a prober. */
    public static final int FLAG_IS_PROBER = 0x04;
    /** The peer said it is not on the region's first node ({@code Ideal-Node} header). */
    public static final int FLAG_NOT_IDEAL = 0x08;

    /** {@code ::ffff:0:0/96}: the first 12 bytes of an IPv4-mapped IPv6 address. */
    private static final long V4_MAPPED_HIGH = 0L;
    private static final int V4_MAPPED_MARKER = 0x0000_ffff;

    private PeerPresentFlyweight() {
    }

    /** Writes the key-only form; returns the bytes written. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final NodeKey peer) {
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.PEER_PRESENT, KEY_ONLY_LENGTH);
        peer.writeTo(dst, frameOffset + HEADER_LENGTH + PEER_KEY_OFFSET);
        return HEADER_LENGTH + KEY_ONLY_LENGTH;
    }

    /** Writes key and endpoint (no flags byte); the ip is 16 bytes at {@code ip16[ipOffset]}. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final NodeKey peer,
                             final DirectBuffer ip16, final int ipOffset, final int port) {
        writeKeyAndEndpoint(dst, frameOffset, WITH_ENDPOINT_LENGTH, peer, ip16, ipOffset, port);
        return HEADER_LENGTH + WITH_ENDPOINT_LENGTH;
    }

    /** Writes key, endpoint and flags (current servers); the ip is 16 bytes at {@code ip16[ipOffset]}. */
    public static int encode(final MutableDirectBuffer dst, final int frameOffset, final NodeKey peer,
                             final DirectBuffer ip16, final int ipOffset, final int port, final int flags) {
        writeKeyAndEndpoint(dst, frameOffset, WITH_FLAGS_LENGTH, peer, ip16, ipOffset, port);
        dst.putByte(frameOffset + HEADER_LENGTH + FLAGS_OFFSET, (byte) flags);
        return HEADER_LENGTH + WITH_FLAGS_LENGTH;
    }

    /**
     * Allocating convenience (off the hot path): writes key, endpoint and, when {@code flags >= 0}, the flags byte.
     * An IPv4 address is written v4-mapped, as Go's {@code netip.Addr.As16} does.
     */
    public static int encodeWithSocketAddress(final MutableDirectBuffer dst, final int frameOffset, final NodeKey peer,
                                              final InetSocketAddress endpoint, final int flags) {
        final byte[] ip16 = toIp16(endpoint.getAddress());
        final UnsafeBuffer ip = new UnsafeBuffer(ip16);
        return flags >= 0
            ? encode(dst, frameOffset, peer, ip, 0, endpoint.getPort(), flags)
            : encode(dst, frameOffset, peer, ip, 0, endpoint.getPort());
    }

    private static void writeKeyAndEndpoint(final MutableDirectBuffer dst, final int frameOffset, final int length,
                                            final NodeKey peer, final DirectBuffer ip16, final int ipOffset,
                                            final int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        FrameHeaderFlyweight.write(dst, frameOffset, FrameType.PEER_PRESENT, length);
        final int payload = frameOffset + HEADER_LENGTH;
        peer.writeTo(dst, payload + PEER_KEY_OFFSET);
        dst.putBytes(payload + IP_OFFSET, ip16, ipOffset, IP_LENGTH);
        dst.putShort(payload + PORT_OFFSET, (short) port, BIG_ENDIAN);
    }

    public static int peerKeyOffset(final int payloadOffset) {
        return payloadOffset + PEER_KEY_OFFSET;
    }

    /** True when the payload carries ip:port (at least 50 bytes). */
    public static boolean hasEndpoint(final int payloadLength) {
        return payloadLength >= WITH_ENDPOINT_LENGTH;
    }

    /** Offset of the 16 ip bytes; valid only when {@link #hasEndpoint}. */
    public static int ipOffset(final int payloadOffset) {
        return payloadOffset + IP_OFFSET;
    }

    /** True when the 16 ip bytes are {@code ::ffff:a.b.c.d}. */
    public static boolean isIpv4Mapped(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getLong(payloadOffset + IP_OFFSET, BIG_ENDIAN) == V4_MAPPED_HIGH
            && buffer.getInt(payloadOffset + IP_OFFSET + 8, BIG_ENDIAN) == V4_MAPPED_MARKER;
    }

    /** The unmapped IPv4 address as a big-endian int; valid only when {@link #isIpv4Mapped}. */
    public static int ipv4(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getInt(payloadOffset + IP_OFFSET + 12, BIG_ENDIAN);
    }

    /** The port; valid only when {@link #hasEndpoint}. */
    public static int port(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getShort(payloadOffset + PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** The flags byte, or {@link #FLAGS_UNSUPPORTED} when the payload is shorter than 51 bytes. */
    public static int flags(final DirectBuffer buffer, final int payloadOffset, final int payloadLength) {
        return payloadLength >= WITH_FLAGS_LENGTH
            ? buffer.getByte(payloadOffset + FLAGS_OFFSET) & 0xFF
            : FLAGS_UNSUPPORTED;
    }

    /**
     * Allocating convenience (off the hot path): the endpoint with a v4-mapped address unmapped to an
     * {@link Inet4Address}.
     *
     * @throws IllegalArgumentException when the payload has no endpoint (check {@link #hasEndpoint} first)
     */
    public static InetSocketAddress readSocketAddress(final DirectBuffer buffer, final int payloadOffset,
                                                      final int payloadLength) {
        if (!hasEndpoint(payloadLength)) {
            throw new IllegalArgumentException("PeerPresent of " + payloadLength + " bytes has no endpoint (needs "
                + WITH_ENDPOINT_LENGTH + ")");
        }
        final byte[] raw;
        if (isIpv4Mapped(buffer, payloadOffset)) {
            raw = new byte[4];
            buffer.getBytes(payloadOffset + IP_OFFSET + 12, raw);
        } else {
            raw = new byte[IP_LENGTH];
            buffer.getBytes(payloadOffset + IP_OFFSET, raw);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(raw), port(buffer, payloadOffset));
        } catch (final UnknownHostException e) {
            throw new IllegalStateException("4 or 16 address bytes are always valid", e);
        }
    }

    /** Copies the key out (allocates). */
    public static NodeKey readPeer(final DirectBuffer buffer, final int payloadOffset) {
        return NodeKey.read(buffer, payloadOffset + PEER_KEY_OFFSET);
    }

    private static byte[] toIp16(final InetAddress address) {
        final byte[] raw = address.getAddress();
        if (raw.length == IP_LENGTH) {
            return raw;
        }
        final byte[] mapped = new byte[IP_LENGTH];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
