package io.derpring.internal.stun;

import org.agrona.DirectBuffer;

/**
 * FINGERPRINT (RFC 5389 §15.5): CRC-32 (IEEE 802.3, as {@code java.util.zip.CRC32} and Go's
 * {@code crc32.ChecksumIEEE}) of the message up to the attribute, XORed with 0x5354554e ("STUN"). Computed straight
 * over a {@link DirectBuffer} with a lookup table, so checking a datagram in place copies and allocates nothing.
 */
public final class StunFingerprint {
    /** RFC 5389 §15.5: XORed in so a CRC of other protocols' data does not look like a STUN fingerprint. */
    public static final int XOR_VALUE = 0x5354_554E;
    public static final int VALUE_LENGTH = 4;
    /** stun.go {@code lenFingerprint = 8}: attribute header and the 4-byte CRC. */
    public static final int ATTRIBUTE_LENGTH = StunAttributeFlyweight.HEADER_LENGTH + VALUE_LENGTH;

    /** The reflected IEEE polynomial. */
    private static final int POLYNOMIAL = 0xEDB8_8320;
    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < TABLE.length; n++) {
            int c = n;
            for (int bit = 0; bit < Byte.SIZE; bit++) {
                c = (c & 1) != 0 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private StunFingerprint() {
    }

    /** Plain CRC-32 (IEEE) of {@code length} bytes at {@code offset}. */
    public static int crc32(final DirectBuffer buffer, final int offset, final int length) {
        int c = ~0;
        for (int i = offset, end = offset + length; i < end; i++) {
            c = TABLE[(c ^ buffer.getByte(i)) & 0xFF] ^ (c >>> 8);
        }
        return ~c;
    }

    /** The FINGERPRINT value of the {@code length} message bytes before the attribute (stun.go {@code fingerPrint}). */
    public static int of(final DirectBuffer buffer, final int offset, final int length) {
        return crc32(buffer, offset, length) ^ XOR_VALUE;
    }
}
