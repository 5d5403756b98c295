package io.derpring.internal.ring;

import io.derpring.netmap.Netmap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A ring slot: a fixed slice of the ring's off-heap slab, reused forever, plus the metadata the stages need.
 * Fields are written by the producer before publish and read by the stages after; the Disruptor's sequence
 * barriers order them, so they need no volatile access.
 */
public final class FrameSlot {
    /** The slot's own slice of the slab; capacity = the configured slot size. */
    final UnsafeBuffer slabView;
    /** A borrowed spill buffer while a packet longer than the slot is in flight, else null. */
    UnsafeBuffer spill;

    Netmap netmap;
    int peerId;
    int regionId;
    int length;
    long receivedNs;
    Verdict verdict;

    FrameSlot(final UnsafeBuffer slabView) {
        this.slabView = slabView;
    }

    /** The packet bytes are {@code buffer()[0, length())}; valid only inside the stage callback. */
    public DirectBuffer buffer() {
        return spill == null ? slabView : spill;
    }

    public int length() {
        return length;
    }

    /** The region (DERP map region id) whose connection received the frame. */
    public int regionId() {
        return regionId;
    }

    /** The sender's peer id in {@link #netmap()}; always a netmap member (unknown senders never get a slot). */
    public int peerId() {
        return peerId;
    }

    /** The netmap snapshot {@link #peerId()} belongs to (peer ids are stable only within one snapshot). */
    public Netmap netmap() {
        return netmap;
    }

    public long receivedNs() {
        return receivedNs;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** Stages mark a frame they consumed so later stages leave it alone. */
    public void verdict(final Verdict verdict) {
        this.verdict = verdict;
    }

    /** A stage's decision about the frame in this slot. */
    public enum Verdict {
        /** Goes on to the dataplane. */
        FORWARD,
        /** Taken by a stage (e.g. disco demux); the dataplane never sees it. */
        CONSUMED
    }
}
