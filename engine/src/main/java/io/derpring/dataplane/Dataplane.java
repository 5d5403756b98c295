package io.derpring.dataplane;

import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;

/** Where relayed WireGuard packets go. See the package documentation for the thread and buffer rules. */
public interface Dataplane {
    /**
     * One packet from {@code peer}, received on {@code regionId}: {@code buffer[offset, offset + length)}. Valid
     * only during the call; must not block.
     */
    void onPacket(NodeKey peer, int regionId, DirectBuffer buffer, int offset, int length);

    /** The end of a batch of packets: the place to flush (one syscall per batch, not per packet). */
    default void onEndOfBatch() {
    }
}
