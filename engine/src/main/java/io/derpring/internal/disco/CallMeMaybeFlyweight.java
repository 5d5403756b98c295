package io.derpring.internal.disco;

import io.derpring.disco.EndpointList;

import static io.derpring.internal.disco.DiscoMessageFlyweight.BODY_OFFSET;
import static io.derpring.internal.disco.DiscoMessageFlyweight.MESSAGE_HEADER_LEN;
import static io.derpring.internal.disco.EndpointFlyweight.EP_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Disco CallMeMaybe payload (type 0x03, SPEC §4.2, {@code disco.go CallMeMaybe}): "ping me at these endpoints",
 * sent only over DERP.
 * <pre>
 *  0      1         2                  20                 38
 *  +------+---------+------------------+------------------+-----
 *  | 0x03 | version | endpoint 0 (18)  | endpoint 1 (18)  | ...      each = IP (16, v4-mapped) || port u16be
 *  +------+---------+------------------+------------------+-----
 * </pre>
 * A body whose length is 0 or not a multiple of 18, or a version other than 0, is an <em>empty list, not an
 * error</em> (disco.go parseCallMeMaybe; B42). Endpoints are read in place by index; nothing is allocated.
 * There is no count limit on the wire: {@link CallMeMaybeFilter} considers only the first 16.
 * Not thread-safe; reuse one per thread.
 */
public final class CallMeMaybeFlyweight {
    public static final int ENDPOINTS_OFFSET = BODY_OFFSET;

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int endpointCount;

    /**
     * Aims at a CallMeMaybe payload. Returns {@link DiscoOpenResult#OK_CALL_ME_MAYBE}, or
     * {@link DiscoOpenResult#TOO_SHORT} when even type and version are missing.
     */
    public DiscoOpenResult wrap(final DirectBuffer buffer, final int offset, final int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        if (length < MESSAGE_HEADER_LEN) {
            endpointCount = 0;
            return DiscoOpenResult.TOO_SHORT;
        }
        final int body = length - MESSAGE_HEADER_LEN;
        final boolean wellFormed = body != 0 && body % EP_LENGTH == 0
            && DiscoMessageFlyweight.version(buffer, offset) == DiscoMessageFlyweight.VERSION_0;
        endpointCount = wellFormed ? body / EP_LENGTH : 0;
        return DiscoOpenResult.OK_CALL_ME_MAYBE;
    }

    public int version() {
        return DiscoMessageFlyweight.version(buffer, offset);
    }

    public int bodyLength() {
        return length - MESSAGE_HEADER_LEN;
    }

    /** Number of endpoints; 0 for a malformed body or a version other than 0. */
    public int endpointCount() {
        return endpointCount;
    }

    /** Absolute offset of endpoint {@code index} in the wrapped buffer (for {@link EndpointFlyweight}). */
    public int endpointOffset(final int index) {
        if (index < 0 || index >= endpointCount) {
            throw new IllegalArgumentException("endpoint index " + index + " outside 0.." + (endpointCount - 1));
        }
        return offset + ENDPOINTS_OFFSET + index * EP_LENGTH;
    }

    public boolean isIpv4(final int index) {
        return EndpointFlyweight.isIpv4(buffer, endpointOffset(index));
    }

    /** Network-order IPv4 address; meaningful only when {@link #isIpv4(int)}. */
    public int ipv4AsInt(final int index) {
        return EndpointFlyweight.ipv4AsInt(buffer, endpointOffset(index));
    }

    public long ipv6High(final int index) {
        return EndpointFlyweight.ipv6High(buffer, endpointOffset(index));
    }

    public long ipv6Low(final int index) {
        return EndpointFlyweight.ipv6Low(buffer, endpointOffset(index));
    }

    /** Copies the 16 wire address bytes of endpoint {@code index} into {@code dst[0..16)}. */
    public void copyIpv6(final int index, final byte[] dst) {
        EndpointFlyweight.copyAddress16(buffer, endpointOffset(index), dst);
    }

    public int port(final int index) {
        return EndpointFlyweight.port(buffer, endpointOffset(index));
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    /** Payload length of a CallMeMaybe with {@code count} endpoints. */
    public static int encodedLength(final int count) {
        return MESSAGE_HEADER_LEN + count * EP_LENGTH;
    }

    /**
     * Writes a version-0 CallMeMaybe listing every entry of {@code endpoints} (IPv4 v4-mapped) and returns its
     * length. Allocation-free.
     */
    public static int encode(final MutableDirectBuffer dst, final int offset, final EndpointList endpoints) {
        final int count = endpoints.size();
        final int length = encodedLength(count);
        DiscoMessageFlyweight.checkCapacity(dst, offset, length);
        DiscoMessageFlyweight.putHeader(dst, offset, DiscoMessageType.CALL_ME_MAYBE);
        int at = offset + ENDPOINTS_OFFSET;
        for (int i = 0; i < count; i++) {
            at += EndpointFlyweight.putIpv6(dst, at, endpoints.ipv6High(i), endpoints.ipv6Low(i), endpoints.port(i));
        }
        return length;
    }
}
