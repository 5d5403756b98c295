package io.derpring.transport.internal.client;

import java.io.IOException;

/**
 * A DERP client connection failed or ended for a reason that is not a frame-level protocol violation (those are
 * {@link io.derpring.internal.frame.DerpProtocolException}, carrying a {@link io.derpring.internal.frame.FrameError}). The
 * {@link Failure} says which rule ended it, so a caller can count or back off without parsing text; the message
 * names the limit or value seen and never contains key material.
 */
public final class DerpConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the connection failed. */
    public enum Failure {
        /** No address to dial: both families disabled ({@code "none"}), or DNS gave nothing usable. */
        NO_ADDRESS,
        /** Every dial attempt failed (refused, unreachable, DNS error). */
        DIAL_FAILED,
        /** TLS handshake failed: untrusted certificate, wrong name, pin mismatch, protocol error. */
        TLS_FAILED,
        /** The HTTP upgrade was answered with a status other than 101 (Go: "GET failed"). */
        UPGRADE_FAILED,
        /** The HTTP response head was malformed or larger than the limit. */
        UPGRADE_MALFORMED,
        /** The whole connect (dial, TLS, upgrade, handshake up to ServerInfo) exceeded the connect timeout. */
        CONNECT_TIMEOUT,
        /** Nothing was read for longer than the keepalive deadline (Go: Recv's 120 s read deadline). */
        KEEPALIVE_TIMEOUT,
        /** The channel stayed unwritable (bytes unsent) for longer than the write deadline. */
        WRITE_TIMEOUT,
        /** The server closed the stream at a frame boundary. */
        CLOSED_BY_SERVER,
        /** {@code close()} was called. */
        CLOSED_LOCALLY,
        /** An I/O error on an open channel. */
        IO_ERROR,
        /** WebSocket mode: the server broke WebSocket's rules (a text message, a malformed or oversize frame). */
        WEBSOCKET_ERROR
    }

    private final Failure failure;

    public DerpConnectionException(final Failure failure, final String message) {
        super(message);
        this.failure = failure;
    }

    public DerpConnectionException(final Failure failure, final String message, final Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
