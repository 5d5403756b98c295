package io.derpring.internal.stun;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * STUN message header (RFC 5389 §6), read and written in place.
 * <pre>
 *   0                   1                   2                   3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |0 0|     STUN message type     |         message length        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  magic cookie (0x2112A442)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  transaction id (96 bits)                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * All fields are big-endian. The message length counts the attribute bytes after the header.
 */
public final class StunHeaderFlyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = TYPE_OFFSET + SIZE_OF_SHORT;
    public static final int COOKIE_OFFSET = LENGTH_OFFSET + SIZE_OF_SHORT;
    public static final int TRANSACTION_ID_OFFSET = COOKIE_OFFSET + SIZE_OF_INT;
    public static final int TRANSACTION_ID_LENGTH = 12;
    /** stun.go {@code headerLen = 20}. */
    public static final int HEADER_LENGTH = TRANSACTION_ID_OFFSET + TRANSACTION_ID_LENGTH;

    /** RFC 5389 §6: fixed in every message; tells STUN apart from other protocols on the port. */
    public static final int MAGIC_COOKIE = 0x2112_A442;
    /** The cookie's high half, which XORs the port of an XOR-MAPPED-ADDRESS. */
    public static final int MAGIC_COOKIE_HIGH = MAGIC_COOKIE >>> 16;
    /** Method Binding (0x001), class request. */
    public static final int BINDING_REQUEST = 0x0001;
    /** Method Binding, class success response. */
    public static final int BINDING_SUCCESS = 0x0101;
    /** stun.go {@code Is}: "top two bits must be zero" of the first byte. */
    private static final int TOP_BITS_MASK = 0xC0;

    private StunHeaderFlyweight() {
    }

    /**
     * Go {@code stun.Is}: at least a header, the first two bits zero and the magic cookie in place. The header's
     * length field is not checked, as Go does not check it.
     */
    public static boolean isStun(final DirectBuffer buffer, final int offset, final int length) {
        return length >= HEADER_LENGTH
            && (buffer.getByte(offset + TYPE_OFFSET) & TOP_BITS_MASK) == 0
            && buffer.getInt(offset + COOKIE_OFFSET, BIG_ENDIAN) == MAGIC_COOKIE;
    }

    public static int messageType(final DirectBuffer buffer, final int offset) {
        return buffer.getShort(offset + TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public static int messageLength(final DirectBuffer buffer, final int offset) {
        return buffer.getShort(offset + LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** Transaction id byte {@code i} (0..11). */
    public static byte transactionIdByte(final DirectBuffer buffer, final int offset, final int i) {
        return buffer.getByte(offset + TRANSACTION_ID_OFFSET + i);
    }

    /**
     * Writes a header whose transaction id is copied from {@code txBuffer} at {@code txMessageOffset} (the request
     * being answered); returns {@link #HEADER_LENGTH}.
     */
    public static int write(final MutableDirectBuffer buffer, final int offset, final int type, final int attributesLength,
                            final DirectBuffer txBuffer, final int txMessageOffset) {
        buffer.putShort(offset + TYPE_OFFSET, (short) type, BIG_ENDIAN);
        buffer.putShort(offset + LENGTH_OFFSET, (short) attributesLength, BIG_ENDIAN);
        buffer.putInt(offset + COOKIE_OFFSET, MAGIC_COOKIE, BIG_ENDIAN);
        buffer.putBytes(offset + TRANSACTION_ID_OFFSET, txBuffer, txMessageOffset + TRANSACTION_ID_OFFSET,
            TRANSACTION_ID_LENGTH);
        return HEADER_LENGTH;
    }
}
