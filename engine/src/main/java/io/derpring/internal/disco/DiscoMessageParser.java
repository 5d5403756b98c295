package io.derpring.internal.disco;

import static io.derpring.internal.disco.DiscoMessageFlyweight.MESSAGE_HEADER_LEN;
import static io.derpring.internal.disco.DiscoMessageFlyweight.VERSION_0;
import static io.derpring.internal.disco.EndpointFlyweight.EP_LENGTH;

import org.agrona.DirectBuffer;

/**
 * Parses a disco payload (the plaintext of the box: type || version || body) in place, as disco.go {@code Parse}
 * does, and leaves the matching flyweight wrapped over it (SPEC §4.2). Never throws on bad bytes; never allocates.
 *
 * <p>Ping, Pong and CallMeMaybe get full views. The UDP-relay types 0x04..0x09 are recognised and their length
 * rules applied (so a short one is {@link DiscoOpenResult#TOO_SHORT}, as in Go), but derpring does not use their
 * fields: the raw payload stays available through {@link #payloadOffset()} and {@link #payloadLength()}.
 *
 * <p>Not thread-safe: one per consumer thread; the views stay valid until the next {@link #parse}.
 */
public final class DiscoMessageParser {
    /** disco.go bindUDPRelayEndpointCommonLen: VNI u32 || Generation u32 || RemoteKey[32] || Challenge[32]. */
    public static final int BIND_UDP_RELAY_ENDPOINT_COMMON_LEN = 4 + 4 + 32 + 32;
    /** disco.go BindUDPRelayChallengeLen. */
    public static final int BIND_UDP_RELAY_CHALLENGE_LEN = 32;
    /**
     * disco.go udpRelayEndpointLenMinusAddrPorts: ServerDisco[32] || ClientDisco[2][32] || LamportID u64 ||
     * VNI u32 || BindLifetime u64 || SteadyStateLifetime u64; at least one 18-byte AddrPort follows.
     */
    public static final int UDP_RELAY_ENDPOINT_LEN_MINUS_ADDR_PORTS = 32 + 2 * 32 + 8 + 4 + 8 + 8;
    /** disco.go allocateUDPRelayEndpointRequestLen: ClientDisco[2][32] || Generation u32. */
    public static final int ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST_LEN = 2 * 32 + 4;
    /** AllocateUDPRelayEndpointResponse starts with Generation u32, then a UDPRelayEndpoint. */
    public static final int ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE_GENERATION_LEN = 4;

    private final PingFlyweight ping = new PingFlyweight();
    private final PongFlyweight pong = new PongFlyweight();
    private final CallMeMaybeFlyweight callMeMaybe = new CallMeMaybeFlyweight();

    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int type;

    /**
     * Parses {@code buffer[offset, offset + length)}. On an OK result the matching view ({@link #ping()},
     * {@link #pong()}, {@link #callMeMaybe()}) is wrapped over the payload.
     */
    public DiscoOpenResult parse(final DirectBuffer buffer, final int offset, final int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.type = 0;
        if (length < MESSAGE_HEADER_LEN) {
            return DiscoOpenResult.TOO_SHORT;                // disco.go Parse: len(p) < 2 is errShort
        }
        type = DiscoMessageFlyweight.type(buffer, offset);
        final int version = DiscoMessageFlyweight.version(buffer, offset);
        final int body = length - MESSAGE_HEADER_LEN;
        switch (type) {
            case DiscoMessageType.PING:
                return ping.wrap(buffer, offset, length);
            case DiscoMessageType.PONG:
                return pong.wrap(buffer, offset, length);
            case DiscoMessageType.CALL_ME_MAYBE:
                return callMeMaybe.wrap(buffer, offset, length);
            case DiscoMessageType.BIND_UDP_RELAY_ENDPOINT:
            case DiscoMessageType.BIND_UDP_RELAY_ENDPOINT_CHALLENGE:
            case DiscoMessageType.BIND_UDP_RELAY_ENDPOINT_ANSWER:
                // decode() of BindUDPRelayEndpointCommon checks only the length, whatever the version.
                return body < BIND_UDP_RELAY_ENDPOINT_COMMON_LEN ? DiscoOpenResult.TOO_SHORT : ok();
            case DiscoMessageType.CALL_ME_MAYBE_VIA:
                // A newer version is an empty message, not an error (forward compatibility).
                return version != VERSION_0 || isUdpRelayEndpoint(body) ? ok() : DiscoOpenResult.TOO_SHORT;
            case DiscoMessageType.ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST:
                return version != VERSION_0 || body >= ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST_LEN
                    ? ok() : DiscoOpenResult.TOO_SHORT;
            case DiscoMessageType.ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE:
                return version != VERSION_0
                    || (body >= ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE_GENERATION_LEN
                        && isUdpRelayEndpoint(body - ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE_GENERATION_LEN))
                    ? ok() : DiscoOpenResult.TOO_SHORT;
            default:
                return DiscoOpenResult.UNKNOWN_TYPE;
        }
    }

    /** Forgets the last message: {@link #type()} becomes 0 and no view is valid. */
    void clear(final DirectBuffer emptyBuffer) {
        buffer = emptyBuffer;
        offset = 0;
        length = 0;
        type = 0;
    }

    /** disco.go UDPRelayEndpoint.decode: the fixed part and a whole number (at least one) of AddrPorts. */
    private static boolean isUdpRelayEndpoint(final int length) {
        return length >= UDP_RELAY_ENDPOINT_LEN_MINUS_ADDR_PORTS + EP_LENGTH
            && (length - UDP_RELAY_ENDPOINT_LEN_MINUS_ADDR_PORTS) % EP_LENGTH == 0;
    }

    private DiscoOpenResult ok() {
        return DiscoOpenResult.okFor(type);
    }

    /** The type byte of the last parse (0 if the payload was shorter than 2 bytes). */
    public int type() {
        return type;
    }

    /** The version byte of the last parse; call only after an OK result. */
    public int version() {
        return DiscoMessageFlyweight.version(buffer, offset);
    }

    /** Valid after {@link DiscoOpenResult#OK_PING}. */
    public PingFlyweight ping() {
        return ping;
    }

    /** Valid after {@link DiscoOpenResult#OK_PONG}. */
    public PongFlyweight pong() {
        return pong;
    }

    /** Valid after {@link DiscoOpenResult#OK_CALL_ME_MAYBE}. */
    public CallMeMaybeFlyweight callMeMaybe() {
        return callMeMaybe;
    }

    public DirectBuffer payloadBuffer() {
        return buffer;
    }

    public int payloadOffset() {
        return offset;
    }

    public int payloadLength() {
        return length;
    }
}
