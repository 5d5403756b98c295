package io.derpring.loadgen;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One sender → receiver pair: the sender's sequence and window, the receiver's ledger. Each group of fields has one
 * writer thread, named below; other threads (progress, drain, report) only read the {@link AtomicLong}s, which
 * their writer updates with {@code lazySet} (a plain store on x86, like Agrona's {@code incrementRelease}).
 */
final class PairState {
    final int pair;
    /** The sender's region: where acks arrive. */
    final int regionId;
    /** The receiver's region: where data arrives (the sender's unless {@code --cross-relay}). */
    final int receiverRegionId;

    // ---- sender thread ----
    /** The next data seq to send = data packets handed to the client so far. */
    long nextSeq;
    /** Seqs below this were given up on after a window stall (their acks never came). */
    long forgivenSeq;
    /** Rate mode: when the next packet is due. */
    long dueNs;
    /** The window was full at the last look; since when. */
    boolean blocked;
    long blockedSinceNs;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong windowStalls = new AtomicLong();
    /** Sends the client answered BACK_PRESSURED and the sender retried (the same packet, after an idle step). */
    final AtomicLong backPressuredRetries = new AtomicLong();

    // ---- the sender node's receiving thread (acks) ----
    final AtomicLong ackedSeq = new AtomicLong();
    /** When the last ack that moved {@link #ackedSeq} arrived: the moment a full window opened. */
    volatile long ackArrivedNs;
    final AtomicLong acksReceived = new AtomicLong();

    // ---- the receiver node's receiving thread (data) ----
    final SeenWindow seen = new SeenWindow();
    final AtomicLong received = new AtomicLong();
    final AtomicLong measuredReceived = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();
    final AtomicLong acksSent = new AtomicLong();
    /** Data packets received, by the region id they arrived over (index 1..{@link LoadOptions#MAX_REGIONS}). */
    final AtomicLongArray receivedOnRegion = new AtomicLongArray(LoadOptions.MAX_REGIONS + 1);
    /** Data packets received since the last ack was sent. */
    int unacked;
    boolean ackQueued;

    PairState(final int pair, final int regionId) {
        this(pair, regionId, regionId);
    }

    PairState(final int pair, final int regionId, final int receiverRegionId) {
        this.pair = pair;
        this.regionId = regionId;
        this.receiverRegionId = receiverRegionId;
    }

    /** Sender thread: packets sent and not yet acknowledged (or forgiven). */
    long inFlight() {
        return nextSeq - Math.max(ackedSeq.get(), forgivenSeq);
    }

    /** Receiver thread: the cumulative ack to send now. */
    long cumulativeAck() {
        return seen.highest() + 1;
    }

    static void increment(final AtomicLong counter) {
        counter.lazySet(counter.get() + 1);
    }
}
