package io.derpring.internal.stun;

import static java.nio.ByteOrder.BIG_ENDIAN;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;

/**
 * Go {@code stun.ParseBindingRequest}, rule for rule, over a datagram in place: a STUN Binding request is answered
 * only if it says it comes from Tailscale (a SOFTWARE attribute reading exactly "tailnode") and its last attribute is
 * a FINGERPRINT matching every byte before it. The point is that the server answers tailnodes and nobody else, so it
 * is no use as a reflector.
 *
 * <p>As in Go, attributes are walked over the whole datagram after the header (the header's length field is not
 * consulted), the FINGERPRINT covers everything but the last 8 bytes, and any SOFTWARE attribute may be the
 * "tailnode" one. Stateless; allocates nothing.
 */
public final class BindingRequest {
    /** stun.go {@code software = "tailnode"}: 8 bytes, so no padding. */
    public static final String TAILNODE = "tailnode";
    private static final long TAILNODE_BYTES = tailnodeAsLong();
    private static final int TAILNODE_LENGTH = Long.BYTES;
    /** Attribute types are 16-bit: this is none of them. */
    private static final int NO_ATTRIBUTE = -1;

    private BindingRequest() {
    }

    /** Checks the {@code length}-byte datagram at {@code offset}; see {@link StunRequestCheck}. */
    public static StunRequestCheck check(final DirectBuffer buffer, final int offset, final int length) {
        if (!StunHeaderFlyweight.isStun(buffer, offset, length)) {
            return StunRequestCheck.NOT_STUN;
        }
        if (StunHeaderFlyweight.messageType(buffer, offset) != StunHeaderFlyweight.BINDING_REQUEST) {
            return StunRequestCheck.NOT_BINDING_REQUEST;
        }
        boolean softwareOk = false;
        int lastType = NO_ATTRIBUTE;
        int fingerprint = 0; // Go's gotFP: the last 4-byte FINGERPRINT value seen, 0 if none
        final int end = offset + length;
        int at = offset + StunHeaderFlyweight.HEADER_LENGTH;
        while (at < end) {
            if (end - at < StunAttributeFlyweight.HEADER_LENGTH) {
                return StunRequestCheck.MALFORMED_ATTRIBUTES;
            }
            final int type = StunAttributeFlyweight.type(buffer, at);
            final int valueLength = StunAttributeFlyweight.valueLength(buffer, at);
            final int value = at + StunAttributeFlyweight.VALUE_OFFSET;
            if (StunAttributeFlyweight.paddedLength(valueLength) > end - value) {
                return StunRequestCheck.MALFORMED_ATTRIBUTES;
            }
            lastType = type;
            if (type == StunAttributeFlyweight.SOFTWARE && valueLength == TAILNODE_LENGTH
                && buffer.getLong(value, BIG_ENDIAN) == TAILNODE_BYTES) {
                softwareOk = true;
            }
            if (type == StunAttributeFlyweight.FINGERPRINT && valueLength == StunFingerprint.VALUE_LENGTH) {
                fingerprint = buffer.getInt(value, BIG_ENDIAN);
            }
            at = value + StunAttributeFlyweight.paddedLength(valueLength);
        }
        if (!softwareOk) {
            return StunRequestCheck.WRONG_SOFTWARE;
        }
        if (lastType != StunAttributeFlyweight.FINGERPRINT) {
            return StunRequestCheck.NO_FINGERPRINT;
        }
        if (fingerprint != StunFingerprint.of(buffer, offset, length - StunFingerprint.ATTRIBUTE_LENGTH)) {
            return StunRequestCheck.WRONG_FINGERPRINT;
        }
        return StunRequestCheck.TAILNODE_BINDING_REQUEST;
    }

    private static long tailnodeAsLong() {
        final byte[] b = TAILNODE.getBytes(StandardCharsets.US_ASCII);
        long v = 0;
        for (final byte x : b) {
            v = (v << Byte.SIZE) | (x & 0xFF);
        }
        return v;
    }
}
