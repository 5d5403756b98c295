package io.derpring.ring;

/** The last step for every slot: return a borrowed spill buffer and drop the netmap reference. */
final class SlotRelease {
    private final SpillPool spillPool;

    SlotRelease(final SpillPool spillPool) {
        this.spillPool = spillPool;
    }

    void release(final FrameSlot slot) {
        if (slot.spill != null) {
            spillPool.giveBack(slot.spill);
            slot.spill = null;
        }
        slot.netmap = null; // lets an old netmap snapshot be collected once no slot refers to it
    }
}
