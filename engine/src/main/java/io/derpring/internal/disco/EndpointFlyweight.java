package io.derpring.internal.disco;

import static java.nio.ByteOrder.BIG_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One 18-byte endpoint as Pong and CallMeMaybe carry it (SPEC §4.2, {@code disco.go epLength}).
 * <pre>
 *  +------------------------------------------+-----------------+
 *  | IP address, 16 bytes (IPv4 as v4-mapped) | port u16be      |
 *  +------------------------------------------+-----------------+
 * </pre>
 * IPv4 travels as {@code ::ffff:a.b.c.d} and is read back as IPv4 (Go {@code netip.Addr.Unmap}); any other 16
 * bytes are IPv6. Static accessors at any offset: nothing to wrap, nothing allocated. An IPv4 address is an
 * {@code int} in network order ({@code 1.2.3.4 == 0x01020304}); an IPv6 address is two {@code long}s, the high
 * and low 8 bytes in network order.
 */
public final class EndpointFlyweight {
    public static final int ADDRESS_OFFSET = 0;
    public static final int ADDRESS_LENGTH = 16;
    public static final int PORT_OFFSET = ADDRESS_OFFSET + ADDRESS_LENGTH;
    /** disco.go epLength: 16-byte IP address and 2-byte port. */
    public static final int EP_LENGTH = PORT_OFFSET + 2;
    /** Bytes 8..11 of a v4-mapped address as a big-endian int: {@code 00 00 ff ff}. */
    private static final int V4_MAPPED_MARKER = 0x0000_ffff;
    /** The largest port a u16 carries. */
    public static final int MAX_PORT = 0xFFFF;

    private EndpointFlyweight() {
    }

    /** True when the 16 address bytes at {@code at} are v4-mapped ({@code 00 x10 ff ff a b c d}). */
    public static boolean isIpv4(final DirectBuffer buffer, final int at) {
        return buffer.getLong(at + ADDRESS_OFFSET, BIG_ENDIAN) == 0L
            && buffer.getInt(at + ADDRESS_OFFSET + 8, BIG_ENDIAN) == V4_MAPPED_MARKER;
    }

    /** The IPv4 address as a network-order int; meaningful only when {@link #isIpv4} is true. */
    public static int ipv4AsInt(final DirectBuffer buffer, final int at) {
        return buffer.getInt(at + ADDRESS_OFFSET + 12, BIG_ENDIAN);
    }

    /** High 8 bytes of the 16-byte address, network order. */
    public static long ipv6High(final DirectBuffer buffer, final int at) {
        return buffer.getLong(at + ADDRESS_OFFSET, BIG_ENDIAN);
    }

    /** Low 8 bytes of the 16-byte address, network order. */
    public static long ipv6Low(final DirectBuffer buffer, final int at) {
        return buffer.getLong(at + ADDRESS_OFFSET + 8, BIG_ENDIAN);
    }

    /** Copies the 16 raw address bytes (v4-mapped form for IPv4) into {@code dst[0..16)}. */
    public static void copyAddress16(final DirectBuffer buffer, final int at, final byte[] dst) {
        buffer.getBytes(at + ADDRESS_OFFSET, dst, 0, ADDRESS_LENGTH);
    }

    /** The port, 0..65535. */
    public static int port(final DirectBuffer buffer, final int at) {
        return buffer.getShort(at + PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Writes IPv4 {@code address} v4-mapped, then {@code port}; returns {@link #EP_LENGTH}. */
    public static int putIpv4(final MutableDirectBuffer buffer, final int at, final int address, final int port) {
        checkPort(port);
        buffer.putLong(at + ADDRESS_OFFSET, 0L, BIG_ENDIAN);
        buffer.putInt(at + ADDRESS_OFFSET + 8, V4_MAPPED_MARKER, BIG_ENDIAN);
        buffer.putInt(at + ADDRESS_OFFSET + 12, address, BIG_ENDIAN);
        buffer.putShort(at + PORT_OFFSET, (short) port, BIG_ENDIAN);
        return EP_LENGTH;
    }

    /**
     * Writes a 16-byte address given as two network-order halves, then {@code port}; returns {@link #EP_LENGTH}.
     * A v4-mapped address written this way reads back as IPv4, as in Go.
     */
    public static int putIpv6(final MutableDirectBuffer buffer, final int at, final long high, final long low,
        final int port) {
        checkPort(port);
        buffer.putLong(at + ADDRESS_OFFSET, high, BIG_ENDIAN);
        buffer.putLong(at + ADDRESS_OFFSET + 8, low, BIG_ENDIAN);
        buffer.putShort(at + PORT_OFFSET, (short) port, BIG_ENDIAN);
        return EP_LENGTH;
    }

    public static void checkPort(final int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException("port must be 0.." + MAX_PORT + ", got " + port);
        }
    }
}
