package io.derpring.transport.internal.client;

import io.derpring.internal.frame.ServerInfo;
import org.agrona.DirectBuffer;

/**
 * Events of one {@link DerpNodeConnection}. Received packets do not come here: they go into the inbound ring.
 *
 * <p>Thread rule: every method is called on the connection's event loop thread, one call at a time, in the order the
 * frames arrived ({@link #onClosed} last). Implementations must not block: the same loop serves other connections.
 * Buffers are lent for the duration of the call only; copy what must outlive it. Every method has an empty default.
 */
public interface DerpNodeListener {
    /** A listener that ignores everything (counters still count). */
    DerpNodeListener NONE = new DerpNodeListener() {
    };

    /** ServerInfo arrived and opened: the connection is "connected" (SPEC §2.2, B11). May repeat if the server resends. */
    default void onConnected(DerpNodeConnection connection, ServerInfo serverInfo) {
    }

    /** A KeepAlive frame (SPEC §1.4); any complete frame also resets the keepalive deadline. */
    default void onKeepAlive(DerpNodeConnection connection) {
    }

    /** A Pong answering {@link DerpNodeConnection#sendPing(long)}; {@code data} is its 8 bytes as a big-endian long. */
    default void onPong(DerpNodeConnection connection, long data) {
    }

    /**
     * PeerGone (SPEC §1.3): the peer whose key is {@code buffer[keyOffset, +32)} is gone for {@code reason}
     * ({@code PeerGoneFlyweight.REASON_*}; unknown values are passed through).
     */
    default void onPeerGone(DerpNodeConnection connection, DirectBuffer buffer, int keyOffset, int reason) {
    }

    /** PeerPresent (mesh watchers): the payload prefix as read ({@code PeerPresentFlyweight} decodes it). */
    default void onPeerPresent(DerpNodeConnection connection, DirectBuffer buffer, int offset, int length) {
    }

    /** Health: {@code problem} is the server's text; empty means healthy again (SPEC §1.4, B26). */
    default void onHealth(DerpNodeConnection connection, String problem) {
    }

    /** Restarting: reconnect after {@code reconnectInMs} and keep trying for {@code tryForMs} (SPEC §1.3). */
    default void onRestarting(DerpNodeConnection connection, long reconnectInMs, long tryForMs) {
    }

    /**
     * The connection is closed; called exactly once. {@code cause} is a
     * {@link io.derpring.internal.frame.DerpProtocolException} for a protocol violation, a {@link DerpConnectionException}
     * otherwise ({@link DerpConnectionException.Failure#CLOSED_LOCALLY} after {@code close()}).
     */
    default void onClosed(DerpNodeConnection connection, Throwable cause) {
    }
}
