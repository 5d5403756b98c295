package io.derpring.internal.ring;

import io.derpring.internal.metrics.CounterDescriptor;
import io.derpring.metrics.MetricType;

/** Counted outcomes of the inbound pipeline; every frame offered is published (see InboundRing#framesPublished) or counted as dropped. */
public enum InboundCounter implements CounterDescriptor {
    DROPPED_UNKNOWN_PEER(3, "frames dropped: source node key not in the netmap (before any stage)"),
    DROPPED_RING_FULL(4, "frames dropped: ring had no free slot (drop-newest policy)"),
    REFUSED_RING_FULL(5, "frames refused: ring full, connection paused reading (backpressure policy)"),
    DROPPED_TOO_LARGE(6, "frames dropped: packet longer than the slot and no spill buffer configured for it"),
    ROUTES_LEARNED(7, "observed routes written (new peer or peer moved region)"),
    DISCO_CALL_ME_MAYBE_LEARNED(8, "relayed CallMeMaybe that taught endpoints to the direct path"),
    DISCO_SENDER_NOT_RELAYING_NODE(9, "relayed disco dropped unopened: sender disco key is not the relaying node's"),
    DISCO_PING_CONSUMED(10, "relayed disco Ping consumed, never answered"),
    DISCO_PONG_CONSUMED(11, "relayed disco Pong consumed, never answered"),
    DISCO_OPEN_FAILED(12, "relayed disco-looking frames dropped: box did not open or message did not parse"),
    DISCO_OTHER_CONSUMED(13, "relayed disco messages of other types consumed"),
    DISCO_CALL_ME_MAYBE_NO_CANDIDATES(19, "relayed CallMeMaybe consumed: no endpoint survived the candidate filter"),
    DELIVERED_TO_DATAPLANE(14, "frames handed to the dataplane"),
    STAGE_ERRORS(15, "unexpected exceptions in a stage (recorded, slot skipped)"),
    RING_HIGH_WATER(16, "most slots in use at once, sampled by the consumer at each batch start") {
        @Override
        public MetricType type() {
            return MetricType.GAUGE; // written with Counters.max
        }
    },
    BACKPRESSURE_PAUSES(17, "times a connection was paused because the ring was full"),
    BACKPRESSURE_RESUMES(18, "times a paused connection was resumed after the ring drained");

    private final int id;
    private final String label;

    InboundCounter(final int id, final String label) {
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
