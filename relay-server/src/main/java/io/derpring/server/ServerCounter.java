package io.derpring.server;

import io.derpring.internal.metrics.CounterDescriptor;

/** Connection and HTTP events of the server (the relay's own counters are in {@code io.derpring.relay}). */
public enum ServerCounter implements CounterDescriptor {
    CONNECTIONS_ACCEPTED(1, "TCP connections accepted"),
    HTTP_REQUESTS(2, "HTTP requests read"),
    HTTP_UPGRADES(3, "/derp upgrades answered with 101"),
    HTTP_FAST_STARTS(4, "/derp upgrades with Derp-Fast-Start: 1 (no HTTP response)"),
    HTTP_UPGRADE_REQUIRED(5, "requests answered 426 Upgrade Required"),
    HTTP_PROBES(6, "/derp/probe and /derp/latency-check answered"),
    HTTP_NO_CONTENT(7, "/generate_204 answered"),
    HTTP_NOT_FOUND(8, "requests for unknown paths"),
    HTTP_BAD_REQUESTS(9, "malformed HTTP requests (answered 400 and closed)"),
    HTTP_REQUEST_LIMIT(10, "connections past the HTTP requests-per-connection limit (answered 429 and closed)"),
    METRICS_TIMEOUTS(11, "metrics connections closed with no whole request and answer within the timeout"),
    DIRECT_MEMORY_PAUSES(12, "times direct memory went over the relay's budget and all reading paused"),
    ACCEPT_RATE_LIMITED(13, "connections closed at accept: over --accept-connection-limit/-burst"),
    OVER_MAX_CONNECTIONS(14, "connections closed at accept: --max-connections open already"),
    OVER_MAX_CONNECTIONS_PER_IP(15, "connections closed at accept: --max-connections-per-ip open from that address"),
    RECEIVE_RATE_LIMIT_PAUSES(16, "times a client's reading was paused by the per-client receive rate limit"),
    ALLOW_LIST_RELOADS(17, "allow-list file reloaded after a change"),
    ALLOW_LIST_RELOAD_ERRORS(18, "allow-list file changes not applied (unreadable or malformed; previous list kept)"),
    HTTP_REDIRECTS(19, "plain-HTTP port (--http-listen) requests redirected to HTTPS"),
    HTTP_PORT_TIMEOUTS(20, "plain-HTTP port connections closed with no whole request and answer within the timeout"),
    HTTP_WEBSOCKET_UPGRADES(21, "/derp upgrades to WebSocket with subprotocol derp (answered with 101)"),
    WEBSOCKET_PROTOCOL_ERRORS(22, "WebSocket connections closed for breaking its rules (bad or oversize frame, text message, no derp subprotocol)"),
    WEBSOCKET_PONGS_SKIPPED(23, "WebSocket pings never answered: a later ping came while the connection was unwritable "
        + "(RFC 6455 5.5.3: only the latest is answered, once writable; at most WebSocketDerpStream.MAX_OWED_WEBSOCKET_PONGS owed)"),
    HANDSHAKE_DEADLINES_MET(24, "connections whose handshake completed within the handshake deadline (its timer "
        + "cancelled)");

    private final int id;
    private final String label;

    ServerCounter(final int id, final String label) {
        this.id = id;
        this.label = label;
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
