package io.derpring.internal.disco;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The two bytes in front of every disco payload, inside the box (SPEC §4.2).
 * <pre>
 *  +----------+-------------+---------------------
 *  | type u8  | version u8  | body ...
 *  +----------+-------------+---------------------
 * </pre>
 * Every sender writes version 0 ({@code disco.go v0}); receivers ignore bytes after the fields they know, so a
 * longer body from a newer peer still parses.
 */
public final class DiscoMessageFlyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int VERSION_OFFSET = TYPE_OFFSET + 1;
    public static final int BODY_OFFSET = VERSION_OFFSET + 1;
    /** disco.go MessageHeaderLen: type and version. */
    public static final int MESSAGE_HEADER_LEN = BODY_OFFSET;
    /** disco.go v0: the only version any sender writes. */
    public static final int VERSION_0 = 0;
    /** 65 458: the largest payload that still seals into a DERP-sized packet (65 536 - 62 header - 16 tag). */
    public static final int MAX_PAYLOAD_LENGTH =
        DiscoHeaderFlyweight.MAX_SEALED_LENGTH - DiscoHeaderFlyweight.PAYLOAD_IN_PLACE_OFFSET;

    private DiscoMessageFlyweight() {
    }

    /** The message type byte (see {@link DiscoMessageType}). */
    public static int type(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getByte(payloadOffset + TYPE_OFFSET) & 0xFF;
    }

    /** The version byte. */
    public static int version(final DirectBuffer buffer, final int payloadOffset) {
        return buffer.getByte(payloadOffset + VERSION_OFFSET) & 0xFF;
    }

    /** Writes type and version 0; returns {@link #MESSAGE_HEADER_LEN}. */
    static int putHeader(final MutableDirectBuffer buffer, final int payloadOffset, final int type) {
        buffer.putByte(payloadOffset + TYPE_OFFSET, (byte) type);
        buffer.putByte(payloadOffset + VERSION_OFFSET, (byte) VERSION_0);
        return MESSAGE_HEADER_LEN;
    }

    /** Encoders call this before writing: a too-small fixed buffer is a caller bug, named instead of an IOOBE. */
    static void checkCapacity(final MutableDirectBuffer dst, final int offset, final int needed) {
        if (needed > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException(
                "disco payload of " + needed + " bytes exceeds MAX_PAYLOAD_LENGTH " + MAX_PAYLOAD_LENGTH);
        }
        if (offset < 0 || (!dst.isExpandable() && dst.capacity() - offset < needed)) {
            throw new IllegalArgumentException(
                "disco encode needs " + needed + " bytes at offset " + offset + ", buffer capacity " + dst.capacity());
        }
    }
}
