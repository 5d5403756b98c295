package io.derpring.internal.relay;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Where queued frames live (engine to transport). The relay writes each RecvPacket once, straight into memory from
 * here, and the frame then travels by handle: through the client queues, across shards, and finally to
 * {@link ClientSink#writePacket}, which takes ownership. The server backs it with Netty's pooled direct buffers;
 * tests with byte arrays. Total use is bounded by the relay (queue depths and the per-shard byte budget).
 *
 * @param <F> the transport's frame handle
 */
public interface FrameMemory<F> {
    /**
     * A frame of exactly {@code length} bytes, with {@code view} aimed at its memory for the caller to fill. Called on
     * a shard's thread.
     *
     * @return the handle, or null when no memory is available (the packet is dropped as {@code no_memory})
     */
    F allocate(int length, UnsafeBuffer view);

    /** Gives back a frame that will not be written (dropped). Called on any shard's thread. */
    void release(F frame);
}
