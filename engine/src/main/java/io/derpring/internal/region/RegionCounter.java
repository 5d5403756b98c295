package io.derpring.internal.region;

import io.derpring.internal.metrics.CounterDescriptor;

/** Counted outcomes of the outbound path and region lifecycle. */
public enum RegionCounter implements CounterDescriptor {
    SENT(1, "packets handed to a connected region's connection"),
    QUEUED_UNTIL_CONNECTED(2, "packets queued while their region connects"),
    DROPPED_NO_REGION(3, "packets dropped: no live region for the peer (netmap home, observed route, own home)"),
    DROPPED_QUEUE_OLDEST(4, "packets dropped: oldest in a full per-region queue (drop-oldest policy)"),
    DROPPED_BY_CONNECTION(5, "packets refused by the connection: it closed under the send"),
    DROPPED_REGION_GONE(6, "queued packets dropped: their region was removed or the engine closed"),
    DISCO_SENT(7, "disco frames handed to a connection"),
    DISCO_DROPPED_UNKNOWN_REGION(8, "disco frames dropped: region not in the DERP map"),
    DISCO_DROPPED_QUEUE_FULL(9, "disco frames refused: the region's or the connection's disco queue was full"),
    CONNECTS(10, "regions connected (ServerInfo received)"),
    CONNECT_FAILURES(11, "connection attempts or connections that failed"),
    IDLE_CLOSES(12, "non-home regions closed after the idle grace period"),
    MAP_CLOSES(13, "connections closed because the DERP map changed or removed their region"),
    WAKES(14, "dormant regions woken by traffic"),
    DROPPED_UNREACHABLE(15, "queued packets and disco frames dropped: their non-home region stayed unreachable past "
        + "the idle grace, so it stopped retrying"),
    BACK_PRESSURED(16, "sends refused with BACK_PRESSURED: the region's or its connection's queue was full; "
        + "nothing dropped"),
    REJECTED_INVALID(17, "sends and disco sends rejected: null key or buffer, length over 64 KiB, or offset and "
        + "length outside the buffer"),
    REJECTED_NOT_A_PEER(18, "sends rejected: the destination is not a netmap peer"),
    RECONNECTS(19, "dials after a failed or lost connection, when its backoff delay had passed"),
    HEALTH_COALESCED(20, "Health frames replaced by a newer one before the conductor applied them (the latest wins)"),
    EVENTS_DROPPED_QUEUE_FULL(21, "PeerGone/PeerPresent events dropped: the conductor's command queue was full"),
    CALLS_REJECTED_QUEUE_FULL(22, "API calls (DERP map, home, rebind) refused: the conductor's command queue was "
        + "full"),
    FRAME_STAMPS(23, "received-frame health stamps recorded (at most one per region per 5 s, SPEC §5.11)"),
    REBINDS(24, "rebind() calls applied"),
    REBIND_CLOSES(25, "connections closed by rebind: their local address was no longer valid (or unknown)"),
    REBIND_PINGS_ANSWERED(26, "connections that answered rebind's Ping in time and were kept"),
    REBIND_PING_TIMEOUTS(27, "connections closed by rebind: no Pong within the rebind ping timeout (3 s)"),
    LISTENER_ERRORS(28, "RegionListener callbacks that threw: caught on the conductor thread, logged once per kind; "
        + "the engine carried on"),
    DUTY_CYCLES(29, "conductor duty cycles that evaluated every region (connect, flush, idle close, retry): a region "
        + "that should not act has had its chance once this moves on");

    private final int id;
    private final String label;

    RegionCounter(final int id, final String label) {
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
