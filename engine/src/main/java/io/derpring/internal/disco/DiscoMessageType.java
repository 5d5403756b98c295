package io.derpring.internal.disco;

/**
 * Disco message type codes (SPEC §4.2, {@code disco.go MessageType}). Plain ints, not an enum, because the
 * hot path switches on the wire byte.
 */
public final class DiscoMessageType {
    public static final int PING = 0x01;
    public static final int PONG = 0x02;
    public static final int CALL_ME_MAYBE = 0x03;
    public static final int BIND_UDP_RELAY_ENDPOINT = 0x04;
    public static final int BIND_UDP_RELAY_ENDPOINT_CHALLENGE = 0x05;
    public static final int BIND_UDP_RELAY_ENDPOINT_ANSWER = 0x06;
    public static final int CALL_ME_MAYBE_VIA = 0x07;
    public static final int ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST = 0x08;
    public static final int ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE = 0x09;

    private DiscoMessageType() {
    }

    /** True for the nine types disco.go {@code Parse} knows; anything else is "unknown message type". */
    public static boolean isKnown(final int type) {
        return type >= PING && type <= ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE;
    }

    /** A stable label for logs and counters; never allocates. */
    public static String name(final int type) {
        switch (type) {
            case PING: return "ping";
            case PONG: return "pong";
            case CALL_ME_MAYBE: return "call-me-maybe";
            case BIND_UDP_RELAY_ENDPOINT: return "bind-udp-relay-endpoint";
            case BIND_UDP_RELAY_ENDPOINT_CHALLENGE: return "bind-udp-relay-endpoint-challenge";
            case BIND_UDP_RELAY_ENDPOINT_ANSWER: return "bind-udp-relay-endpoint-answer";
            case CALL_ME_MAYBE_VIA: return "call-me-maybe-via";
            case ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST: return "allocate-udp-relay-endpoint-request";
            case ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE: return "allocate-udp-relay-endpoint-response";
            default: return "unknown";
        }
    }
}
