package io.derpring.server;

import java.nio.ByteOrder;

import io.derpring.internal.frame.FrameLimits;
import org.agrona.MutableDirectBuffer;

/**
 * The dumb TCP forwarder's wire format ({@link TcpForwarder}), the least a packet forwarder needs and nothing of
 * DERP: no keys, no frame types, no handshake. All integers are big-endian.
 *
 * <pre>
 *   hello  (once, first): int32 MAGIC, int32 own id, int32 peer id      = {@link #HELLO_LENGTH} bytes
 *   packet (repeated):    int32 length (1..{@link #MAX_PACKET_LENGTH}), then length bytes of payload
 * </pre>
 *
 * The forwarder copies each packet, prefix included, unchanged to the connection whose hello named the peer id as
 * its own id: the bytes on both of its sockets are payload + {@link #PREFIX_LENGTH} per packet.
 */
public final class ForwarderProtocol {
    /** "FWD1": a connection that starts otherwise is not a forwarder client (a DERP client, an HTTP probe). */
    public static final int MAGIC = 0x46574431;
    public static final int HELLO_LENGTH = 12;
    public static final int PREFIX_LENGTH = 4;
    /** DERP's own packet bound, so the baseline takes every packet size the relay takes. */
    public static final int MAX_PACKET_LENGTH = FrameLimits.MAX_PACKET_SIZE;

    private ForwarderProtocol() {
    }

    /** Writes a hello at {@code offset} of {@code out}: {@link #HELLO_LENGTH} bytes. Ids are non-negative. */
    public static void writeHello(final MutableDirectBuffer out, final int offset, final int ownId, final int peerId) {
        out.putInt(offset, MAGIC, ByteOrder.BIG_ENDIAN);
        out.putInt(offset + 4, ownId, ByteOrder.BIG_ENDIAN);
        out.putInt(offset + 8, peerId, ByteOrder.BIG_ENDIAN);
    }
}
