package io.derpring.internal.region;

import io.derpring.keys.NodeKey;

/**
 * What a {@link DerpLink} reports, from its I/O thread. The conductor's implementation only enqueues the event, so
 * implementations of the transport may call it from any thread; each link calls {@link #onClosed} exactly once.
 */
public interface LinkListener {
    /** ServerInfo arrived: the region is connected (B11). */
    void onConnected();

    /** The connection ended: closed on purpose, or {@code cause} (never null for a failure). */
    void onClosed(Throwable cause);

    /** A Health frame: problem text, empty = healthy again. */
    void onHealth(String problem);

    /** PeerGone from the server: {@code peer} is not reachable through this region any more. */
    void onPeerGone(NodeKey peer, int reason);

    /** PeerPresent (mesh watchers). */
    void onPeerPresent(NodeKey peer);

    /** A Pong from the server carrying {@code data} (answering {@link DerpLink#sendPing}, or unsolicited). */
    void onPong(long data);
}
