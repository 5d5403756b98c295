package io.derpring.internal.disco;

import static io.derpring.internal.disco.DiscoMessageFlyweight.BODY_OFFSET;
import static io.derpring.internal.disco.DiscoMessageFlyweight.MESSAGE_HEADER_LEN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Disco Pong payload (type 0x02, SPEC §4.2, {@code disco.go Pong}): the Ping's TxID and the address the Ping
 * came from, so a Pong is effectively a STUN answer.
 * <pre>
 *  0      1         2                    14                               30            32
 *  +------+---------+--------------------+--------------------------------+-------------+-----------
 *  | 0x02 | version | TxID (12)          | source IP (16, IPv4 v4-mapped) | port u16be  | ignored ...
 *  +------+---------+--------------------+--------------------------------+-------------+-----------
 * </pre>
 * A body under 30 bytes is errShort; extra bytes are ignored. Offsets are relative to the type byte.
 * Not thread-safe; reuse one per thread.
 */
public final class PongFlyweight extends TxIdMessageView {
    public static final int TX_ID_OFFSET = BODY_OFFSET;
    public static final int TX_ID_LENGTH = PingFlyweight.TX_ID_LENGTH;
    /** The 18-byte source endpoint (see {@link EndpointFlyweight}). */
    public static final int SOURCE_OFFSET = TX_ID_OFFSET + TX_ID_LENGTH;
    /** disco.go pongLen: TxID, IP and port, without the message header. */
    public static final int PONG_LEN = TX_ID_LENGTH + EndpointFlyweight.EP_LENGTH;
    /** The Pong payload length: header and {@link #PONG_LEN}. */
    public static final int LENGTH = MESSAGE_HEADER_LEN + PONG_LEN;

    /** Aims at a Pong payload; {@link DiscoOpenResult#OK_PONG} or {@link DiscoOpenResult#TOO_SHORT} (body &lt; 30). */
    public DiscoOpenResult wrap(final DirectBuffer buffer, final int offset, final int length) {
        aim(buffer, offset, length);
        return length < LENGTH ? DiscoOpenResult.TOO_SHORT : DiscoOpenResult.OK_PONG;
    }

    /** True when the source address is IPv4 (v4-mapped on the wire, unmapped as Go does). */
    public boolean isIpv4() {
        return EndpointFlyweight.isIpv4(buffer, offset + SOURCE_OFFSET);
    }

    /** The IPv4 source as a network-order int; meaningful only when {@link #isIpv4()}. */
    public int ipv4AsInt() {
        return EndpointFlyweight.ipv4AsInt(buffer, offset + SOURCE_OFFSET);
    }

    public long ipv6High() {
        return EndpointFlyweight.ipv6High(buffer, offset + SOURCE_OFFSET);
    }

    public long ipv6Low() {
        return EndpointFlyweight.ipv6Low(buffer, offset + SOURCE_OFFSET);
    }

    /** Copies the 16 wire address bytes into {@code dst[0..16)}. */
    public void copyIpv6(final byte[] dst) {
        EndpointFlyweight.copyAddress16(buffer, offset + SOURCE_OFFSET, dst);
    }

    public int port() {
        return EndpointFlyweight.port(buffer, offset + SOURCE_OFFSET);
    }

    /** Writes a version-0 Pong with an IPv4 source (v4-mapped); returns {@link #LENGTH}. Allocation-free. */
    public static int encodeIpv4(final MutableDirectBuffer dst, final int offset, final DirectBuffer txId,
        final int txIdOffset, final int ipv4, final int port) {
        EndpointFlyweight.checkPort(port);
        DiscoMessageFlyweight.checkCapacity(dst, offset, LENGTH);
        DiscoMessageFlyweight.putHeader(dst, offset, DiscoMessageType.PONG);
        dst.putBytes(offset + TX_ID_OFFSET, txId, txIdOffset, TX_ID_LENGTH);
        EndpointFlyweight.putIpv4(dst, offset + SOURCE_OFFSET, ipv4, port);
        return LENGTH;
    }

    /** Writes a version-0 Pong with a 16-byte source given as network-order halves; returns {@link #LENGTH}. */
    public static int encodeIpv6(final MutableDirectBuffer dst, final int offset, final DirectBuffer txId,
        final int txIdOffset, final long ipv6High, final long ipv6Low, final int port) {
        EndpointFlyweight.checkPort(port);
        DiscoMessageFlyweight.checkCapacity(dst, offset, LENGTH);
        DiscoMessageFlyweight.putHeader(dst, offset, DiscoMessageType.PONG);
        dst.putBytes(offset + TX_ID_OFFSET, txId, txIdOffset, TX_ID_LENGTH);
        EndpointFlyweight.putIpv6(dst, offset + SOURCE_OFFSET, ipv6High, ipv6Low, port);
        return LENGTH;
    }
}
