package io.derpring.internal.region;

import java.net.InetAddress;

import io.derpring.engine.SendResult;
import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;

/**
 * One DERP connection as the region conductor sees it; implemented by a transport (transport-epoll's client
 * connection). {@code send*} are called from any thread and must not block or allocate: they enqueue into the
 * connection's own bounded queue and report what became of the packet. The engine has checked the arguments.
 */
public interface DerpLink {
    /**
     * Queues a SendPacket to {@code destination}: {@link SendResult#ACCEPTED}, {@link SendResult#BACK_PRESSURED}
     * (queue full, nothing dropped) or {@link SendResult#NO_ROUTE} (the connection closed; counted).
     */
    SendResult send(NodeKey destination, DirectBuffer buffer, int offset, int length);

    /** Queues a sealed disco frame to {@code destination} (SPEC §5.8) in its own smaller queue; results as send. */
    SendResult sendDisco(NodeKey destination, DirectBuffer buffer, int offset, int length);

    /** Sends NotePreferred: whether this connection's region is our home (SPEC §5.3). */
    void notePreferred(boolean home);

    /** Packets in the connection's own queue, not yet written (a snapshot, for metrics); 0 if it keeps none. */
    default int queuedPackets() {
        return 0;
    }

    /** Last time a frame was received, on the clock the engine gave the dialer; for the idle rule. */
    long lastReceiveNs();

    /**
     * Last time a complete frame of any type was received (ServerInfo, KeepAlive, Ping, packets...), on the clock the
     * engine gave the dialer; the engine's received-frame health stamp (SPEC §5.11) samples it. By default the last
     * received packet's time, for links that track nothing finer.
     */
    default long lastFrameReceivedNs() {
        return lastReceiveNs();
    }

    /**
     * True once this connection has received a relayed packet (RecvPacket): proof that the relay works, so the
     * engine resets its reconnect backoff (sending proves nothing: a relay may take packets and then fail us). By
     * default false: only the minimum stable time then resets it.
     */
    default boolean hasReceivedPacket() {
        return false;
    }

    /**
     * The local address of the connection's socket, or null when it has none yet (still dialing) or any more. The
     * engine's {@code rebind} closes a connection whose local address is not among the host's current ones.
     */
    default InetAddress localAddress() {
        return null;
    }

    /**
     * Sends a Ping carrying {@code data}; the server's Pong comes back through {@link LinkListener#onPong}. Used by
     * the engine's {@code rebind} to test a connection that may have lost its route. By default nothing is sent (the
     * engine then closes the connection when the Pong does not come).
     */
    default void sendPing(final long data) {
    }

    /** Closes the connection; idempotent. The link then reports {@link LinkListener#onClosed}. */
    void close();
}
