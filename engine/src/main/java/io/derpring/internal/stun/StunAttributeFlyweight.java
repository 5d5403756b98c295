package io.derpring.internal.stun;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A STUN attribute (RFC 5389 §15): type, value length, then the value padded with zeros to a multiple of 4.
 * <pre>
 *   0                   1                   2                   3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         type                  |            length             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  value (length bytes, then padding) ...       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class StunAttributeFlyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int LENGTH_OFFSET = TYPE_OFFSET + SIZE_OF_SHORT;
    public static final int VALUE_OFFSET = LENGTH_OFFSET + SIZE_OF_SHORT;
    public static final int HEADER_LENGTH = VALUE_OFFSET;
    /** Values are padded to this boundary (RFC 5389 §15). */
    public static final int ALIGNMENT = 4;

    /** RFC 5389 §15.2. */
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** RFC 5389 §15.10. */
    public static final int SOFTWARE = 0x8022;
    /** RFC 5389 §15.5. */
    public static final int FINGERPRINT = 0x8028;

    private StunAttributeFlyweight() {
    }

    public static int type(final DirectBuffer buffer, final int attributeOffset) {
        return buffer.getShort(attributeOffset + TYPE_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** The value's length without padding. */
    public static int valueLength(final DirectBuffer buffer, final int attributeOffset) {
        return buffer.getShort(attributeOffset + LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    /** {@code valueLength} rounded up to {@link #ALIGNMENT} (Go {@code (attrLen + 3) &^ 3}). */
    public static int paddedLength(final int valueLength) {
        return (valueLength + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Writes type and length; returns the offset of the value. */
    public static int writeHeader(final MutableDirectBuffer buffer, final int attributeOffset, final int type,
                                  final int valueLength) {
        buffer.putShort(attributeOffset + TYPE_OFFSET, (short) type, BIG_ENDIAN);
        buffer.putShort(attributeOffset + LENGTH_OFFSET, (short) valueLength, BIG_ENDIAN);
        return attributeOffset + VALUE_OFFSET;
    }
}
