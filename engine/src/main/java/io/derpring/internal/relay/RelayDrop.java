package io.derpring.internal.relay;

import io.derpring.internal.metrics.CounterDescriptor;

/**
 * One counter per {@link DropReason} and packet kind, as Go's {@code derp_packets_dropped{reason,kind}} metric
 * (SPEC §3.2): kind is {@code disco} when the packet looks like a disco wrapper, else {@code other}.
 */
public enum RelayDrop implements CounterDescriptor {
    UNKNOWN_DEST_DISCO(1, DropReason.UNKNOWN_DEST, true),
    UNKNOWN_DEST_OTHER(2, DropReason.UNKNOWN_DEST, false),
    UNKNOWN_DEST_ON_FWD_DISCO(3, DropReason.UNKNOWN_DEST_ON_FWD, true),
    UNKNOWN_DEST_ON_FWD_OTHER(4, DropReason.UNKNOWN_DEST_ON_FWD, false),
    GONE_DISCONNECTED_DISCO(5, DropReason.GONE_DISCONNECTED, true),
    GONE_DISCONNECTED_OTHER(6, DropReason.GONE_DISCONNECTED, false),
    QUEUE_HEAD_DISCO(7, DropReason.QUEUE_HEAD, true),
    QUEUE_HEAD_OTHER(8, DropReason.QUEUE_HEAD, false),
    QUEUE_TAIL_DISCO(9, DropReason.QUEUE_TAIL, true),
    QUEUE_TAIL_OTHER(10, DropReason.QUEUE_TAIL, false),
    WRITE_ERROR_DISCO(11, DropReason.WRITE_ERROR, true),
    WRITE_ERROR_OTHER(12, DropReason.WRITE_ERROR, false),
    DUP_CLIENT_DISCO(13, DropReason.DUP_CLIENT, true),
    DUP_CLIENT_OTHER(14, DropReason.DUP_CLIENT, false),
    HANDOFF_FULL_DISCO(15, DropReason.HANDOFF_FULL, true),
    HANDOFF_FULL_OTHER(16, DropReason.HANDOFF_FULL, false),
    NO_MEMORY_DISCO(17, DropReason.NO_MEMORY, true),
    NO_MEMORY_OTHER(18, DropReason.NO_MEMORY, false),
    SHUTDOWN_DISCO(19, DropReason.SHUTDOWN, true),
    SHUTDOWN_OTHER(20, DropReason.SHUTDOWN, false),
    MESH_PEER_UNAVAILABLE_DISCO(21, DropReason.MESH_PEER_UNAVAILABLE, true),
    MESH_PEER_UNAVAILABLE_OTHER(22, DropReason.MESH_PEER_UNAVAILABLE, false);

    private static final RelayDrop[] BY_REASON_AND_KIND = new RelayDrop[DropReason.values().length * 2];

    static {
        for (final RelayDrop d : values()) {
            BY_REASON_AND_KIND[slot(d.reason, d.disco)] = d;
        }
    }

    private final int id;
    private final DropReason reason;
    private final boolean disco;

    RelayDrop(final int id, final DropReason reason, final boolean disco) {
        this.id = id;
        this.reason = reason;
        this.disco = disco;
    }

    /** The counter for {@code reason} and kind; allocation-free. */
    public static RelayDrop of(final DropReason reason, final boolean disco) {
        return BY_REASON_AND_KIND[slot(reason, disco)];
    }

    private static int slot(final DropReason reason, final boolean disco) {
        return reason.ordinal() * 2 + (disco ? 0 : 1);
    }

    public DropReason reason() {
        return reason;
    }

    /** {@code "disco"} or {@code "other"}: the metric's {@code kind} label. */
    public String kind() {
        return disco ? "disco" : "other";
    }

    public boolean isDisco() {
        return disco;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String label() {
        return "packets dropped: " + reason.label() + " (" + kind() + ")";
    }
}
