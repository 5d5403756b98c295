package io.derpring.internal.stun;

import io.derpring.internal.metrics.CounterDescriptor;

/**
 * What the STUN server did with each datagram: answered, or ignored for one reason. Exported as one labelled metric,
 * the label being {@link #reason()}.
 */
public enum StunCounter implements CounterDescriptor {
    ANSWERED(1, "answered", "Binding requests answered"),
    NOT_STUN(2, "not_stun", "datagrams ignored: not STUN"),
    NOT_BINDING_REQUEST(3, "not_binding_request", "STUN messages ignored: not a Binding request"),
    MALFORMED_ATTRIBUTES(4, "malformed_attributes", "Binding requests ignored: an attribute runs past the datagram"),
    WRONG_SOFTWARE(5, "wrong_software", "Binding requests ignored: SOFTWARE is not \"tailnode\""),
    NO_FINGERPRINT(6, "no_fingerprint", "Binding requests ignored: last attribute is not FINGERPRINT"),
    WRONG_FINGERPRINT(7, "wrong_fingerprint", "Binding requests ignored: FINGERPRINT does not match"),
    RATE_LIMITED(8, "rate_limited", "Binding requests ignored: source over its packets-per-second limit"),
    SEND_DROPPED(9, "send_dropped", "answers dropped: the socket's send buffer was full"),
    SOCKET_ERRORS(10, "socket_error", "STUN socket errors: an answer that failed to send, or a failed read");

    private final int id;
    private final String reason;
    private final String label;

    StunCounter(final int id, final String reason, final String label) {
        this.id = id;
        this.reason = reason;
        this.label = label;
    }

    /** The metric label value, e.g. {@code not_stun}. */
    public String reason() {
        return reason;
    }

    /** The counter that an ignored request's check outcome is counted under. */
    public static StunCounter of(final StunRequestCheck check) {
        switch (check) {
            case TAILNODE_BINDING_REQUEST:
                return ANSWERED;
            case NOT_STUN:
                return NOT_STUN;
            case NOT_BINDING_REQUEST:
                return NOT_BINDING_REQUEST;
            case MALFORMED_ATTRIBUTES:
                return MALFORMED_ATTRIBUTES;
            case WRONG_SOFTWARE:
                return WRONG_SOFTWARE;
            case NO_FINGERPRINT:
                return NO_FINGERPRINT;
            case WRONG_FINGERPRINT:
            default:
                return WRONG_FINGERPRINT;
        }
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }
}
