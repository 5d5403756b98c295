package io.derpring.keys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * 32 raw bytes of a Curve25519 key. Subclasses fix the kind (node, disco, machine; public or private): two keys of
 * different kinds are never equal even with the same bytes, so a disco key can't stand in for a node key.
 */
abstract class Key32 {
    /** Raw key length on the wire (derp.go keyLen). */
    public static final int LENGTH = 32;
    static final HexFormat HEX = HexFormat.of();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    final byte[] bytes;
    private final int hash;
    private final long w0, w1, w2, w3;

    Key32(final byte[] raw, final int offset) {
        if (raw == null || offset < 0 || raw.length - offset < LENGTH) {
            throw new KeyFormatException("a key is " + LENGTH + " raw bytes");
        }
        this.bytes = Arrays.copyOfRange(raw, offset, offset + LENGTH);
        this.hash = Arrays.hashCode(bytes);
        final ByteBuffer words = ByteBuffer.wrap(bytes).order(NATIVE);
        this.w0 = words.getLong(0);
        this.w1 = words.getLong(8);
        this.w2 = words.getLong(16);
        this.w3 = words.getLong(24);
    }

    static byte[] copyOut(final DirectBuffer buffer, final int offset) {
        final byte[] raw = new byte[LENGTH];
        buffer.getBytes(offset, raw);
        return raw;
    }

    /** Parses {@code prefix} followed by exactly 64 hex digits (upper or lower case). */
    static byte[] parseText(final String text, final String prefix, final String kind) {
        if (text == null || !text.startsWith(prefix)) {
            throw new KeyFormatException(kind + " must start with \"" + prefix + "\"");
        }
        return parseHex(text.substring(prefix.length()), kind);
    }

    static byte[] parseHex(final String hex, final String kind) {
        if (hex.length() != 2 * LENGTH) {
            throw new KeyFormatException(kind + " needs " + 2 * LENGTH + " hex digits, got " + hex.length());
        }
        try {
            return HEX.parseHex(hex);
        } catch (final IllegalArgumentException e) {
            throw new KeyFormatException(kind + " has a character that is not a hex digit");
        }
    }

    /** Lower-case hex of the bytes, as Go's {@code UntypedHexString}. */
    final String hex() {
        return HEX.formatHex(bytes);
    }

    /** Copies the raw bytes to {@code buffer[offset, offset + 32)}. */
    public final void writeTo(final MutableDirectBuffer buffer, final int offset) {
        buffer.putBytes(offset, bytes);
    }

    /** A copy of the raw bytes. */
    public final byte[] toBytes() {
        return bytes.clone();
    }

    /** True when {@code buffer[offset, offset + 32)} holds these bytes; allocation-free, for the hot path. */
    public final boolean matches(final DirectBuffer buffer, final int offset) {
        return buffer.getLong(offset, NATIVE) == w0
            && buffer.getLong(offset + 8, NATIVE) == w1
            && buffer.getLong(offset + 16, NATIVE) == w2
            && buffer.getLong(offset + 24, NATIVE) == w3;
    }

    final boolean isZero() {
        int acc = 0;
        for (final byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    @Override
    public final boolean equals(final Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(bytes, ((Key32) o).bytes);
    }

    @Override
    public final int hashCode() {
        return hash;
    }
}
