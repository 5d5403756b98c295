package io.derpring.internal.route;

import com.lmax.disruptor.EventHandler;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.ring.FrameSlot;
import io.derpring.internal.ring.InboundCounter;

/**
 * Stage 1: remember the region each peer's frame arrived on, data and disco alike (RS learns on every received
 * frame), so replies go back the way the peer reached us (Go issue 150).
 */
public final class ObservedRouteLearner implements EventHandler<FrameSlot> {
    private final ObservedRoutes routes;
    private final Counters<InboundCounter> counters;
    private long learnedInBatch;

    public ObservedRouteLearner(final ObservedRoutes routes, final Counters<InboundCounter> counters) {
        this.routes = routes;
        this.counters = counters;
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch) {
        if (routes.learn(slot.netmap(), slot.peerId(), slot.regionId())) {
            learnedInBatch++;
        }
        if (endOfBatch && learnedInBatch != 0) {
            counters.add(InboundCounter.ROUTES_LEARNED, learnedInBatch);
            learnedInBatch = 0;
        }
    }
}
