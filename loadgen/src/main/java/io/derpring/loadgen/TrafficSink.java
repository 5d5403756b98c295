package io.derpring.loadgen;

import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import io.derpring.engine.SendResult;
import io.derpring.dataplane.Dataplane;
import io.derpring.keys.NodeKey;
import io.derpring.loadgen.fault.DataplaneStall;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The receiving end: a {@link Dataplane} that checks and accounts every packet a ring delivers. Data packets are
 * verified (CRC32C, length, pair, the pair's region), classified (new, reordered, duplicate) and timed from their scheduled send time;
 * with flow control on, the pair's cumulative ack goes back through the relay once per batch, or sooner when half a
 * window has arrived. Acks move the sender's window.
 *
 * <p>One instance per ring: it runs on that ring's last stage thread only, so its scratch buffers and dirty list
 * need no synchronisation. A pair's data always lands on one ring (its receiver node's) and its acks on one ring
 * (its sender node's), so each {@link PairState} field group keeps a single writer. Allocation-free.
 */
final class TrafficSink implements Dataplane {
    private final PairState[] pairs;
    private final int dataLength;
    private final boolean flowControl;
    /** Ack before the batch ends once this many packets of a pair are unacknowledged: half a window. */
    private final int ackEvery;
    private final LatencyRecorder latency;
    private final AtomicLong corrupted;
    private final SenderWakeup wakeSender;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch;
    private final UnsafeBuffer scratchView;
    private final byte[] ack = new byte[PayloadFlyweight.ACK_LENGTH];
    private final UnsafeBuffer ackView = new UnsafeBuffer(ack);
    private final int[] dirty;
    private int dirtyCount;
    private AckPath acks;
    private DataplaneStall stall;
    /** Any region of the map is a right one (engines that route by home, observed route and churn); else strict. */
    private boolean anyRegion;

    /** @param corrupted shared across sinks: packets that failed the checks (rare, so contention is irrelevant) */
    TrafficSink(final PairState[] pairs, final int dataLength, final int window, final LatencyRecorder latency,
                final AtomicLong corrupted, final SenderWakeup wakeSender) {
        this.pairs = pairs;
        this.dataLength = dataLength;
        this.flowControl = window > 0;
        this.ackEvery = Math.max(1, window / 2);
        this.latency = latency;
        this.corrupted = corrupted;
        this.wakeSender = wakeSender;
        this.scratch = new byte[Math.max(dataLength, PayloadFlyweight.ACK_LENGTH)];
        this.scratchView = new UnsafeBuffer(scratch);
        this.dirty = new int[pairs.length];
    }

    /** Set once before traffic starts (the clients that carry acks are built after their sinks). */
    void ackPath(final AckPath path) {
        this.acks = path;
    }

    /**
     * Set once before traffic starts: packets may arrive over any region, not only the pair's fixed ones. Cross-region
     * engines answer on the observed route, and region churn moves homes; where data arrived is then counted per
     * region ({@link PairState#receivedOnRegion}) instead of checked.
     */
    void acceptAnyRegion() {
        this.anyRegion = true;
    }

    /** A soak's slow-dataplane fault: set once before traffic starts on receivers' sinks; null = never stalls. */
    void stall(final DataplaneStall s) {
        this.stall = s;
    }

    @Override
    public void onPacket(final NodeKey peer, final int regionId, final DirectBuffer buffer, final int offset,
                         final int length) {
        if (stall != null) {
            stall.pauseIfStalled();
        }
        final long nowNs = System.nanoTime();
        if (length < PayloadFlyweight.HEADER_LENGTH || length > scratch.length) {
            corrupted.incrementAndGet();
            return;
        }
        // One copy onto the heap: CRC32C reads a byte[] without allocating, whatever memory the slot lives in.
        buffer.getBytes(offset, scratch, 0, length);
        if (!PayloadFlyweight.verify(crc, scratch, length, scratchView)) {
            corrupted.incrementAndGet();
            return;
        }
        final int pairId = PayloadFlyweight.pair(scratchView, 0);
        if (pairId < 0 || pairId >= pairs.length) {
            corrupted.incrementAndGet();
            return;
        }
        final PairState pair = pairs[pairId];
        final byte kind = PayloadFlyweight.kind(scratchView, 0);
        if (!anyRegion && regionId != (kind == PayloadFlyweight.KIND_ACK ? pair.regionId : pair.receiverRegionId)
            || regionId < 1 || regionId > LoadOptions.MAX_REGIONS) {
            corrupted.incrementAndGet(); // intact, but delivered through another region's relay: misrouted
            return;
        }
        if (kind == PayloadFlyweight.KIND_DATA && length == dataLength) {
            onData(pair, regionId, nowNs);
        } else if (kind == PayloadFlyweight.KIND_ACK && length == PayloadFlyweight.ACK_LENGTH) {
            onAck(pair, PayloadFlyweight.seq(scratchView, 0), nowNs);
        } else {
            corrupted.incrementAndGet();
        }
    }

    private void onData(final PairState pair, final int regionId, final long nowNs) {
        final long seq = PayloadFlyweight.seq(scratchView, 0);
        final int verdict = pair.seen.mark(seq);
        if (verdict == SeenWindow.DUPLICATE) {
            PairState.increment(pair.duplicated);
            return;
        }
        if (verdict != SeenWindow.NEW_IN_ORDER) {
            PairState.increment(pair.reordered); // late, or too late to tell: counted, never as lost
        }
        final boolean warmup = PayloadFlyweight.isWarmup(scratchView, 0);
        PairState.increment(pair.received);
        pair.receivedOnRegion.lazySet(regionId, pair.receivedOnRegion.get(regionId) + 1);
        if (!warmup) {
            PairState.increment(pair.measuredReceived);
        }
        latency.record(nowNs - PayloadFlyweight.scheduledNs(scratchView, 0), warmup);
        if (flowControl) {
            if (++pair.unacked >= ackEvery) {
                sendAck(pair, nowNs);
            } else if (!pair.ackQueued) {
                pair.ackQueued = true;
                dirty[dirtyCount++] = pair.pair;
            }
        }
    }

    private void onAck(final PairState pair, final long ackSeq, final long nowNs) {
        PairState.increment(pair.acksReceived);
        if (ackSeq > pair.ackedSeq.get()) {
            pair.ackArrivedNs = nowNs;
            pair.ackedSeq.lazySet(ackSeq);
            wakeSender.wake();
        }
    }

    @Override
    public void onEndOfBatch() {
        if (dirtyCount == 0) {
            return;
        }
        final long nowNs = System.nanoTime();
        for (int i = 0; i < dirtyCount; i++) {
            final PairState pair = pairs[dirty[i]];
            pair.ackQueued = false;
            if (pair.unacked > 0) {
                sendAck(pair, nowNs);
            }
        }
        dirtyCount = 0;
    }

    private void sendAck(final PairState pair, final long nowNs) {
        PayloadFlyweight.writeHeader(ackView, 0, PayloadFlyweight.KIND_ACK, false, pair.pair, pair.cumulativeAck(),
            nowNs);
        PayloadFlyweight.seal(crc, ack, PayloadFlyweight.ACK_LENGTH, ackView);
        if (acks.sendAck(pair.pair, ackView, PayloadFlyweight.ACK_LENGTH) == SendResult.BACK_PRESSURED) {
            // Not taken and not dropped: this thread is the receiving stage and must not wait, so the next data
            // packet carries a later cumulative ack instead.
            return;
        }
        pair.unacked = 0;
        PairState.increment(pair.acksSent); // other refusals are counted as drops by the client
    }
}
