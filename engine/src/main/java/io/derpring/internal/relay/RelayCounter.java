package io.derpring.internal.relay;

import io.derpring.internal.metrics.CounterDescriptor;

/** What the relay counts besides drops (those are {@link RelayDrop}). Monotonic; summed over shards when read. */
public enum RelayCounter implements CounterDescriptor {
    PACKETS_RECEIVED(1, "packets received from clients (SendPacket and ForwardPacket)"),
    PACKETS_RECEIVED_DISCO(2, "packets received that look like disco"),
    BYTES_RECEIVED(3, "packet bytes received (after the keys)"),
    PACKETS_FORWARDED(4, "packets written to their destination as RecvPacket"),
    BYTES_FORWARDED(5, "packet bytes written to their destination (after the source key)"),
    PACKETS_HANDED_OFF(6, "packets that crossed to another shard's loop"),
    PEER_GONE_NOT_HERE_SENT(7, "PeerGone(NotHere) frames written"),
    PEER_GONE_DISCONNECTED_SENT(8, "PeerGone(Disconnected) frames written"),
    PEER_GONE_NOT_HERE_LIMITED(9, "PeerGone(NotHere) suppressed by the per-sender limiter"),
    PEER_GONE_OVERFLOW(10, "PeerGone frames not queued: the client's control queue was full"),
    PINGS_RECEIVED(11, "Ping frames received"),
    PINGS_IGNORED(12, "Pings ignored while a Pong was already pending"),
    PONGS_SENT(13, "Pong frames written"),
    KEEPALIVES_SENT(14, "KeepAlive frames written"),
    PEER_PRESENT_SENT(15, "PeerPresent frames written to mesh watchers"),
    CONNECTIONS_REGISTERED(16, "connections registered after the handshake"),
    CONNECTIONS_UNREGISTERED(17, "connections unregistered"),
    DUPLICATE_CONNECTIONS(18, "connections registered for a key that was already connected"),
    DUPLICATE_FIGHTS(19, "keys disabled by the disableFighters policy"),
    CLOSED_WRITE_TIMEOUT(20, "connections closed: writes stalled past the write deadline"),
    CLOSED_BY_CLOSE_PEER(21, "connections closed by a mesh peer's ClosePeer"),
    NOTE_PREFERRED(22, "NotePreferred frames received"),
    WATCH_CONNS(23, "WatchConns subscriptions from mesh peers"),
    MESH_PACKETS_FORWARDED(24, "packets written to a mesh peer as ForwardPacket"),
    SENDER_PAUSES(25, "times reading a sender paused because a destination it wrote to was backlogged"),
    SENDER_PAUSE_TIMEOUTS(26, "sender pauses that ended at their bound, not because the destination drained"),
    EARLY_WRITES(27, "full queues written before the end of the loop pass because the destination was writable"),
    HANDOFFS_RESCUED(28, "timer ticks that found handoffs stranded in the mailbox (waiting 100 ms, no pass since) and ran one"),
    CLOSED_MESH_WATCHER_OVERFLOW(29, "mesh watcher connections closed: a PeerPresent/PeerGone found maxQueuedMeshFrames waiting, or its shard's command queue full"),
    PEER_GONE_SOURCES_REFUSED(30, "packets whose source key was not remembered for PeerGone: the receiver already remembered maxSourcesPerReceiver sources"),
    SHARD_COMMANDS_REFUSED(31, "commands refused by a shard holding shardCommandCapacity: PeerGone notices and ClosePeer dropped, mesh watchers closed");

    private final int id;
    private final String label;

    RelayCounter(final int id, final String label) {
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
