package io.derpring.server;

import io.derpring.internal.metrics.CounterDescriptor;

/** Why a connection to the server ended; metric {@code derp_connections_closed_total{reason}}. */
public enum ConnectionEnd implements CounterDescriptor {
    /** The client closed its side (EOF), or the connection ended cleanly. */
    CLIENT_CLOSED(1, "client_closed"),
    /** A DERP rule was broken (frame limits, ClientInfo, permissions); see the per-error counters. */
    PROTOCOL_ERROR(2, "protocol_error"),
    /** No ClientInfo within the handshake deadline (HTTP request and DERP greeting included). */
    HANDSHAKE_TIMEOUT(3, "handshake_timeout"),
    /** The HTTP request was malformed, or answered without an upgrade and not kept alive. */
    HTTP(4, "http"),
    /** A socket or TLS error. */
    IO_ERROR(5, "io_error"),
    /**
     * Closed by a relay rule: the write deadline, a mesh peer's ClosePeer, or a mesh watcher's full update queue (see
     * the relay counters {@code derp_closed_*}).
     */
    RELAY_RULE(6, "relay_rule"),
    /** The server shut down. */
    SHUTDOWN(7, "shutdown"),
    /** Refused by admission (allow-list or callback; SPEC §3.8): closed after ClientInfo, no ServerInfo sent. */
    ADMISSION_REFUSED(8, "admission_refused");

    private final int id;
    private final String label;

    ConnectionEnd(final int id, final String label) {
        this.id = id;
        this.label = label;
    }

    @Override
    public int id() {
        return id;
    }

    /** The metric label value. */
    @Override
    public String label() {
        return label;
    }
}
