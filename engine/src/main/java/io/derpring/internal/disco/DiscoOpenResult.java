package io.derpring.internal.disco;

/**
 * What opening (or only parsing) a disco packet produced. Bad input is an ordinary outcome, never an exception:
 * the demux stage counts the failures and drops the packet (SPEC §5.6: a disco-looking packet that does not
 * open is consumed, not passed on).
 */
public enum DiscoOpenResult {
    /** Shorter than 62 bytes or without the magic (SPEC §4.1): not a disco packet at all. */
    NOT_DISCO(0),
    /** Longer than {@link DiscoHeaderFlyweight#MAX_SEALED_LENGTH}: no DERP frame carries it. */
    TOO_LONG(0),
    /** The header's sender key cannot make a box key (all-zero key or a low-order point; SPEC §2.1). */
    BAD_SENDER_KEY(0),
    /** The box did not authenticate: wrong key, tampered bytes or wrong nonce. */
    BOX_FAILED(0),
    /**
     * disco.go errShort: a packet under 80 bytes (header 62, tag 16, type and version 2: checked before any
     * crypto), a payload under 2 bytes, or a body shorter than its type's minimum (Ping 12, Pong 30,
     * BindUDPRelayEndpoint* 72, CallMeMaybeVia 142, AllocateUDPRelayEndpoint* 68 / 146).
     */
    TOO_SHORT(0),
    /** disco.go "unknown message type": a type byte outside 0x01..0x09. */
    UNKNOWN_TYPE(0),
    OK_PING(DiscoMessageType.PING),
    OK_PONG(DiscoMessageType.PONG),
    /** Also for a body that is not a whole number of endpoints, or version != 0: an empty list, not an error. */
    OK_CALL_ME_MAYBE(DiscoMessageType.CALL_ME_MAYBE),
    OK_BIND_UDP_RELAY_ENDPOINT(DiscoMessageType.BIND_UDP_RELAY_ENDPOINT),
    OK_BIND_UDP_RELAY_ENDPOINT_CHALLENGE(DiscoMessageType.BIND_UDP_RELAY_ENDPOINT_CHALLENGE),
    OK_BIND_UDP_RELAY_ENDPOINT_ANSWER(DiscoMessageType.BIND_UDP_RELAY_ENDPOINT_ANSWER),
    OK_CALL_ME_MAYBE_VIA(DiscoMessageType.CALL_ME_MAYBE_VIA),
    OK_ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST(DiscoMessageType.ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST),
    OK_ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE(DiscoMessageType.ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE);

    private final int messageType;

    DiscoOpenResult(final int messageType) {
        this.messageType = messageType;
    }

    /** True when a message was opened and parsed. */
    public boolean isOk() {
        return messageType != 0;
    }

    /** The {@link DiscoMessageType} of an OK result, 0 otherwise. */
    public int messageType() {
        return messageType;
    }

    /** The OK result for a known type byte. */
    static DiscoOpenResult okFor(final int type) {
        switch (type) {
            case DiscoMessageType.PING: return OK_PING;
            case DiscoMessageType.PONG: return OK_PONG;
            case DiscoMessageType.CALL_ME_MAYBE: return OK_CALL_ME_MAYBE;
            case DiscoMessageType.BIND_UDP_RELAY_ENDPOINT: return OK_BIND_UDP_RELAY_ENDPOINT;
            case DiscoMessageType.BIND_UDP_RELAY_ENDPOINT_CHALLENGE: return OK_BIND_UDP_RELAY_ENDPOINT_CHALLENGE;
            case DiscoMessageType.BIND_UDP_RELAY_ENDPOINT_ANSWER: return OK_BIND_UDP_RELAY_ENDPOINT_ANSWER;
            case DiscoMessageType.CALL_ME_MAYBE_VIA: return OK_CALL_ME_MAYBE_VIA;
            case DiscoMessageType.ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST: return OK_ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST;
            case DiscoMessageType.ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE: return OK_ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE;
            default: return UNKNOWN_TYPE;
        }
    }
}
