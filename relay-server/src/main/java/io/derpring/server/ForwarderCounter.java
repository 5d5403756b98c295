package io.derpring.server;

import io.derpring.internal.metrics.CounterDescriptor;

/**
 * What the TCP forwarder counts. The {@code CLOSED_*} counters are why it closed a connection, one reason each,
 * exported as {@code forwarder_connections_closed_total{reason}}.
 */
public enum ForwarderCounter implements CounterDescriptor {
    CONNECTIONS_ACCEPTED(1, "TCP connections accepted", null),
    PACKETS_FORWARDED(2, "packets written to their destination connection", null),
    BYTES_FORWARDED(3, "bytes written to destination connections: payload and the 4-byte length prefix", null),
    READ_PAUSES(4, "times reading a source paused because its destination was not writable", null),
    CLOSED_TOO_MANY_CONNECTIONS(5, "closed at accept: the connection cap was reached", "too_many_connections"),
    CLOSED_HELLO_TIMEOUT(6, "closed: no whole hello within the hello timeout", "hello_timeout"),
    CLOSED_BAD_HELLO(7, "closed: wrong magic, a negative id or a peer id equal to its own", "bad_hello"),
    CLOSED_DUPLICATE_ID(8, "closed: another connection already has its id", "duplicate_id"),
    CLOSED_BAD_LENGTH(9, "closed: a packet length of 0 or above the maximum", "bad_length"),
    CLOSED_PEER_GONE(10, "closed: its destination connection closed", "peer_gone"),
    CLOSED_ERROR(11, "closed: an I/O error on the connection", "error");

    private final int id;
    private final String label;
    private final String closeReason;

    ForwarderCounter(final int id, final String label, final String closeReason) {
        this.id = id;
        this.label = label;
        this.closeReason = closeReason;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String label() {
        return label;
    }

    /** The {@code reason} label of a close counter; null for the others. */
    public String closeReason() {
        return closeReason;
    }
}
