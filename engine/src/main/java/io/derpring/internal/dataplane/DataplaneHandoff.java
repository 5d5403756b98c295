package io.derpring.internal.dataplane;

import io.derpring.dataplane.Dataplane;

import com.lmax.disruptor.EventHandler;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.ring.FrameSlot;
import io.derpring.internal.ring.InboundCounter;

/** Stage 3: every frame no earlier stage consumed goes to the {@link Dataplane}, then the batch end is signalled. */
public final class DataplaneHandoff implements EventHandler<FrameSlot> {
    private final Dataplane dataplane;
    private final Counters<InboundCounter> counters;
    private long deliveredInBatch;

    public DataplaneHandoff(final Dataplane dataplane, final Counters<InboundCounter> counters) {
        this.dataplane = dataplane;
        this.counters = counters;
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch) {
        if (slot.verdict() == FrameSlot.Verdict.FORWARD) {
            dataplane.onPacket(slot.netmap().nodeKey(slot.peerId()), slot.regionId(), slot.buffer(), 0,
                slot.length());
            deliveredInBatch++;
        }
        if (endOfBatch && deliveredInBatch != 0) {
            // Counters once per batch, not per packet (Aeron's Sender adds to its counter once per duty cycle);
            // a batch the earlier stages consumed entirely is not signalled at all (SPEC §5.6 step 3).
            counters.add(InboundCounter.DELIVERED_TO_DATAPLANE, deliveredInBatch);
            deliveredInBatch = 0;
            dataplane.onEndOfBatch();
        }
    }
}
