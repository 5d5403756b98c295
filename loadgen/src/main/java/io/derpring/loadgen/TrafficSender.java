package io.derpring.loadgen;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import io.derpring.engine.SendResult;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one sending thread: round-robins every pair, one packet per pair per pass, while the pair's rate schedule and
 * window allow; when no pair may send it parks until the next packet is due (rate) or an ack wakes it (window).
 *
 * <p>Each packet's <em>scheduled</em> time goes into it and latency is measured from there, so a stalled sender or
 * a full window shows up as latency instead of hiding it (no coordinated omission): with a rate, it is the slot the
 * schedule gave the packet however late the thread got to it; unpaced, it is the moment the window allowed the send
 * (the arrival of the ack that opened a full window), else when the sender reached the pair.
 *
 * <p>Allocation-free: the packets are {@link PayloadFlyweight#FILL_PATTERNS} pre-built buffers whose fill never
 * changes; a send rewrites the 28-byte header and the CRC, and the client copies the bytes before {@code send}
 * returns, so a buffer is reused at once.
 */
final class TrafficSender implements Runnable {
    /** Longest park when nothing may be sent: bounds how late a rate slot or a missed wake-up is noticed. */
    static final long MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(200);
    /**
     * A full window whose acks stop coming for this long is given up on: those packets count as sent, the window
     * reopens, and the stall is counted. Only loss (whose shortfall is accounted anyway) makes acks stop.
     */
    static final long WINDOW_STALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    private final PairState[] pairs;
    private final LoadClients clients;
    private final int window;
    private final long periodNs;
    private final int length;
    private final byte[][] packets;
    private final UnsafeBuffer[] views;
    private final CRC32C crc = new CRC32C();
    private final SenderWakeup wakeup;
    /** Between retries of a back-pressured send: spin, then yield (2 shared cores), then park up to 100 µs. */
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, TimeUnit.MICROSECONDS.toNanos(100));
    private volatile long startNs;
    private volatile long measureStartNs;
    private volatile long endNs;
    private volatile long stoppedNs;
    /** {@code --pause-every}/{@code --pause-for}: 0 = never pauses. */
    private long pauseEveryNs;
    private long pauseForNs;
    private final java.util.concurrent.atomic.AtomicLong pauses = new java.util.concurrent.atomic.AtomicLong();

    TrafficSender(final PairState[] pairs, final LoadClients clients, final int window, final long ratePerPair,
                  final int length, final SenderWakeup wakeup) {
        this.pairs = pairs;
        this.wakeup = wakeup;
        this.clients = clients;
        this.window = window;
        this.periodNs = ratePerPair == 0 ? 0 : Math.max(1, TimeUnit.SECONDS.toNanos(1) / ratePerPair);
        this.length = length;
        this.packets = new byte[PayloadFlyweight.FILL_PATTERNS][length];
        this.views = new UnsafeBuffer[PayloadFlyweight.FILL_PATTERNS];
        for (int i = 0; i < packets.length; i++) {
            PayloadFlyweight.writeFill(packets[i], length, i);
            views[i] = new UnsafeBuffer(packets[i]);
        }
    }

    /** Sets the phases: warmup from {@code startNs}, measured from {@code measureStartNs}, stop at {@code endNs}. */
    void schedule(final long startNs, final long measureStartNs, final long endNs) {
        this.startNs = startNs;
        this.measureStartNs = measureStartNs;
        this.endNs = endNs;
        for (final PairState p : pairs) {
            p.dueNs = startNs;
        }
    }

    /**
     * Before {@link #run}: after each {@code everyNs} of sending, send nothing for {@code forNs} (so idle regions
     * close and wake again). The cycle runs from the start of sending.
     */
    void pauses(final long everyNs, final long forNs) {
        this.pauseEveryNs = everyNs;
        this.pauseForNs = forNs;
    }

    /** Pauses taken so far. */
    long pausesTaken() {
        return pauses.get();
    }

    /** When sending actually stopped, or 0 while running. */
    long stoppedNs() {
        return stoppedNs;
    }

    @Override
    public void run() {
        while (System.nanoTime() - startNs < 0) {
            LockSupport.parkNanos(Math.min(MAX_PARK_NS, startNs - System.nanoTime()));
        }
        long nowNs = System.nanoTime();
        while (nowNs - endNs < 0 && !Thread.currentThread().isInterrupted()) {
            if (pauseEveryNs != 0) {
                pauseIfDue(nowNs);
            }
            int sentThisPass = 0;
            long nextDueNs = Long.MAX_VALUE;
            for (final PairState pair : pairs) {
                nowNs = System.nanoTime();
                final long scheduledNs;
                if (periodNs != 0) {
                    if (pair.dueNs - nowNs > 0) {
                        nextDueNs = Math.min(nextDueNs, pair.dueNs);
                        continue;
                    }
                    scheduledNs = pair.dueNs;
                } else {
                    scheduledNs = nowNs;
                }
                if (window != 0 && pair.inFlight() >= window) {
                    if (!pair.blocked) {
                        pair.blocked = true;
                        pair.blockedSinceNs = nowNs;
                    } else if (nowNs - pair.blockedSinceNs > WINDOW_STALL_TIMEOUT_NS
                        && nowNs - pair.ackArrivedNs > WINDOW_STALL_TIMEOUT_NS) {
                        pair.forgivenSeq = pair.nextSeq;
                        PairState.increment(pair.windowStalls);
                    }
                    continue;
                }
                final long sendAtNs;
                if (pair.blocked) {
                    pair.blocked = false;
                    // Unpaced: the packet was ready when the window opened, not when this thread noticed.
                    sendAtNs = periodNs != 0 ? scheduledNs : Math.max(pair.blockedSinceNs, pair.ackArrivedNs);
                } else {
                    sendAtNs = scheduledNs;
                }
                send(pair, sendAtNs);
                if (periodNs != 0) {
                    pair.dueNs += periodNs;
                }
                sentThisPass++;
            }
            if (sentThisPass == 0) {
                nowNs = System.nanoTime();
                final long parkNs = nextDueNs == Long.MAX_VALUE ? MAX_PARK_NS
                    : Math.min(MAX_PARK_NS, nextDueNs - nowNs);
                if (parkNs > 0) {
                    wakeup.park(parkNs);
                }
            }
            nowNs = System.nanoTime();
        }
        stoppedNs = System.nanoTime();
    }

    /** In a pause: parks to its end (or the end of sending), then moves every schedule past it. */
    private void pauseIfDue(final long nowNs) {
        final long cycleNs = pauseEveryNs + pauseForNs;
        final long intoCycleNs = (nowNs - startNs) % cycleNs;
        if (intoCycleNs < pauseEveryNs) {
            return;
        }
        pauses.lazySet(pauses.get() + 1);
        final long resumeNs = Math.min(nowNs + cycleNs - intoCycleNs, endNs);
        long waitNs;
        while ((waitNs = resumeNs - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(waitNs);
        }
        for (final PairState pair : pairs) {
            // A paced pair does not burst to catch up, and a full window does not count the pause as a stall.
            pair.dueNs = Math.max(pair.dueNs, resumeNs);
            pair.blockedSinceNs = Math.max(pair.blockedSinceNs, resumeNs);
        }
    }

    private void send(final PairState pair, final long scheduledNs) {
        final long seq = pair.nextSeq;
        final int pattern = PayloadFlyweight.patternOf(seq);
        final UnsafeBuffer view = views[pattern];
        PayloadFlyweight.writeHeader(view, 0, PayloadFlyweight.KIND_DATA, scheduledNs - measureStartNs < 0, pair.pair,
            seq, scheduledNs);
        PayloadFlyweight.seal(crc, packets[pattern], length, view);
        pair.nextSeq = seq + 1;
        pair.sent.lazySet(seq + 1);
        SendResult result;
        while ((result = clients.sendData(pair.pair, view, length)) == SendResult.BACK_PRESSURED
            && System.nanoTime() - endNs < 0) {
            // The client's queue is full: nothing was taken or dropped. Retrying the same packet after an idle step
            // is what an embedder does; with a rate, the wait shows as this packet's latency.
            PairState.increment(pair.backPressuredRetries);
            idle.idle();
        }
        idle.reset();
        if (result == SendResult.BACK_PRESSURED) {
            // The run ended while the queue stayed full: this seq was never taken, so it was never sent.
            pair.nextSeq = seq;
            pair.sent.lazySet(seq);
        } // NO_ROUTE and REJECTED are counted by the client as drops
    }
}
