package io.derpring.internal.relay;

/**
 * Why the relay dropped a packet (SPEC §3.2; Go {@code derpserver.go dropReason}, metric label {@code reason}). The
 * first seven are Go's and keep Go's label text; the last three are derpring's own, for limits Go does not have.
 */
public enum DropReason {
    /** The destination key has no connection here (and no mesh forwarder). */
    UNKNOWN_DEST("unknown_dest"),
    /** A mesh peer's ForwardPacket named a key that has no connection here. */
    UNKNOWN_DEST_ON_FWD("unknown_dest_on_fwd"),
    /** The destination closed while the packet waited for it. */
    GONE_DISCONNECTED("gone_disconnected"),
    /** The destination's queue was full: its oldest packet was dropped to make room. */
    QUEUE_HEAD("queue_head"),
    /** The destination's queue stayed full after {@link RelayConfig#SEND_ATTEMPTS} tries: the new packet was dropped. */
    QUEUE_TAIL("queue_tail"),
    /** Writing the packet to the destination failed. */
    WRITE_ERROR("write_error"),
    /** The key has several connections and none is active (disableFighters, or the active one just left). */
    DUP_CLIENT("dup_client"),
    /** derpring: the destination shard's handoff mailbox was full (its loop is overloaded). */
    HANDOFF_FULL("handoff_full"),
    /** derpring: the shard's queued-bytes budget ({@link RelayConfig#maxQueuedBytesPerShard()}) was exhausted. */
    NO_MEMORY("no_memory"),
    /** derpring: the packet was still queued when the server shut down. */
    SHUTDOWN("shutdown"),
    /**
     * The destination is on a mesh peer whose connection broke in the instant between the packet's lookup and the
     * peer's keys being forgotten (afterwards such packets are {@link #UNKNOWN_DEST}).
     */
    MESH_PEER_UNAVAILABLE("mesh_peer_unavailable");

    private final String label;

    DropReason(final String label) {
        this.label = label;
    }

    /** The metric label value, Go's spelling. */
    public String label() {
        return label;
    }
}
