package io.derpring.internal.ring;

import io.derpring.internal.metrics.Counters;

/**
 * The last step for every slot: return a borrowed spill buffer and drop the netmap reference. It also keeps the
 * ring's high-water mark, from the queue depth the Disruptor reports at each batch start: measured on the consumer
 * once per batch instead of by every producer on every publish.
 */
final class SlotRelease {
    private final SpillPool spillPool;
    private final Counters<InboundCounter> counters;
    private long highWater;

    SlotRelease(final SpillPool spillPool, final Counters<InboundCounter> counters) {
        this.spillPool = spillPool;
        this.counters = counters;
    }

    void release(final FrameSlot slot) {
        if (slot.spill != null) {
            spillPool.giveBack(slot.spill);
            slot.spill = null;
        }
        slot.netmap = null; // lets an old netmap snapshot be collected once no slot refers to it
    }

    void onBatchStart(final long batchSize, final long queueDepth) {
        if (queueDepth > highWater) {
            highWater = queueDepth;
            counters.max(InboundCounter.RING_HIGH_WATER, queueDepth);
        }
    }
}
