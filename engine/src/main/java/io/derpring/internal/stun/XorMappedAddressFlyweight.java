package io.derpring.internal.stun;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The value of an XOR-MAPPED-ADDRESS attribute (RFC 5389 §15.2): the address a request came from, obscured so that
 * middleboxes rewriting addresses in payloads leave it alone.
 * <pre>
 *   0                   1                   2                   3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |x x x x x x x x|    family     |   port XOR cookie high half   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  address XOR cookie (IPv4), XOR cookie ++ transaction id (IPv6)|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Offsets are from the start of the value; the transaction id is read from the enclosing message.
 */
public final class XorMappedAddressFlyweight {
    public static final int RESERVED_OFFSET = 0;
    public static final int FAMILY_OFFSET = RESERVED_OFFSET + SIZE_OF_BYTE;
    public static final int PORT_OFFSET = FAMILY_OFFSET + SIZE_OF_BYTE;
    public static final int ADDRESS_OFFSET = PORT_OFFSET + SIZE_OF_SHORT;

    public static final int FAMILY_IPV4 = 0x01;
    public static final int FAMILY_IPV6 = 0x02;
    public static final int IPV4_LENGTH = 4;
    public static final int IPV6_LENGTH = 16;
    public static final int IPV4_VALUE_LENGTH = ADDRESS_OFFSET + IPV4_LENGTH;
    public static final int IPV6_VALUE_LENGTH = ADDRESS_OFFSET + IPV6_LENGTH;
    /** Returned by {@link #addressLength} for a family that is neither IPv4 nor IPv6. */
    public static final int UNKNOWN_FAMILY = 0;

    private static final int COOKIE_LENGTH = 4;

    private XorMappedAddressFlyweight() {
    }

    public static int family(final DirectBuffer buffer, final int valueOffset) {
        return buffer.getByte(valueOffset + FAMILY_OFFSET) & 0xFF;
    }

    /** Address bytes for {@code family}: 4, 16, or {@link #UNKNOWN_FAMILY}. */
    public static int addressLength(final int family) {
        switch (family) {
            case FAMILY_IPV4:
                return IPV4_LENGTH;
            case FAMILY_IPV6:
                return IPV6_LENGTH;
            default:
                return UNKNOWN_FAMILY;
        }
    }

    /** The port, un-XORed. */
    public static int port(final DirectBuffer buffer, final int valueOffset) {
        return (buffer.getShort(valueOffset + PORT_OFFSET, BIG_ENDIAN) & 0xFFFF) ^ StunHeaderFlyweight.MAGIC_COOKIE_HIGH;
    }

    /**
     * Un-XORs the address into {@code dst} (at least {@link #addressLength} bytes) and returns its length, or
     * {@link #UNKNOWN_FAMILY}; the caller checks the value is long enough for the family first.
     */
    public static int address(final DirectBuffer buffer, final int valueOffset, final int messageOffset, final byte[] dst) {
        final int length = addressLength(family(buffer, valueOffset));
        for (int i = 0; i < length; i++) {
            dst[i] = (byte) (buffer.getByte(valueOffset + ADDRESS_OFFSET + i) ^ mask(buffer, messageOffset, i));
        }
        return length;
    }

    /**
     * Writes a value for {@code address} (4 or 16 bytes) and {@code port}, XORed with the cookie and the transaction
     * id of the message at {@code messageOffset} (whose header must be written already); returns the value length.
     */
    public static int write(final MutableDirectBuffer buffer, final int valueOffset, final int messageOffset,
                            final byte[] address, final int port) {
        final int family = address.length == IPV4_LENGTH ? FAMILY_IPV4 : FAMILY_IPV6;
        buffer.putByte(valueOffset + RESERVED_OFFSET, (byte) 0);
        buffer.putByte(valueOffset + FAMILY_OFFSET, (byte) family);
        buffer.putShort(valueOffset + PORT_OFFSET, (short) (port ^ StunHeaderFlyweight.MAGIC_COOKIE_HIGH), BIG_ENDIAN);
        for (int i = 0; i < address.length; i++) {
            buffer.putByte(valueOffset + ADDRESS_OFFSET + i, (byte) (address[i] ^ mask(buffer, messageOffset, i)));
        }
        return ADDRESS_OFFSET + address.length;
    }

    /** Byte {@code i} of the cookie followed by the transaction id: what address byte {@code i} is XORed with. */
    private static int mask(final DirectBuffer message, final int messageOffset, final int i) {
        return i < COOKIE_LENGTH
            ? message.getByte(messageOffset + StunHeaderFlyweight.COOKIE_OFFSET + i)
            : StunHeaderFlyweight.transactionIdByte(message, messageOffset, i - COOKIE_LENGTH);
    }
}
