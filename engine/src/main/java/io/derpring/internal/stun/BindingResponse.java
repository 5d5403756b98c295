package io.derpring.internal.stun;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Go {@code stun.Response}, byte for byte: a Binding success response with the request's transaction id and exactly
 * one attribute, XOR-MAPPED-ADDRESS, holding the address the request came from. Nothing else: no SOFTWARE, no
 * FINGERPRINT, no MESSAGE-INTEGRITY. An answer is 32 bytes (IPv4) or 44 (IPv6) against the 40-byte tailnode request
 * that earned it, so the server amplifies next to nothing.
 */
public final class BindingResponse {
    public static final int IPV4_LENGTH = StunHeaderFlyweight.HEADER_LENGTH + StunAttributeFlyweight.HEADER_LENGTH
        + XorMappedAddressFlyweight.IPV4_VALUE_LENGTH;
    public static final int IPV6_LENGTH = StunHeaderFlyweight.HEADER_LENGTH + StunAttributeFlyweight.HEADER_LENGTH
        + XorMappedAddressFlyweight.IPV6_VALUE_LENGTH;
    /** The most any response needs: an IPv6 one. */
    public static final int MAX_LENGTH = IPV6_LENGTH;

    private BindingResponse() {
    }

    /**
     * Writes the answer to the request at {@code requestOffset} into {@code out} at {@code outOffset} and returns its
     * length. {@code address} is the request's source, 4 (IPv4) or 16 (IPv6) bytes; {@code port} its port.
     *
     * @throws IllegalArgumentException for an address of another length (a caller bug)
     */
    public static int write(final MutableDirectBuffer out, final int outOffset, final DirectBuffer request,
                            final int requestOffset, final byte[] address, final int port) {
        if (address.length != XorMappedAddressFlyweight.IPV4_LENGTH
            && address.length != XorMappedAddressFlyweight.IPV6_LENGTH) {
            throw new IllegalArgumentException("address of " + address.length + " bytes: need 4 or 16");
        }
        final int valueLength = XorMappedAddressFlyweight.ADDRESS_OFFSET + address.length;
        StunHeaderFlyweight.write(out, outOffset, StunHeaderFlyweight.BINDING_SUCCESS,
            StunAttributeFlyweight.HEADER_LENGTH + valueLength, request, requestOffset);
        final int value = StunAttributeFlyweight.writeHeader(out, outOffset + StunHeaderFlyweight.HEADER_LENGTH,
            StunAttributeFlyweight.XOR_MAPPED_ADDRESS, valueLength);
        XorMappedAddressFlyweight.write(out, value, outOffset, address, port);
        return value + valueLength - outOffset;
    }
}
