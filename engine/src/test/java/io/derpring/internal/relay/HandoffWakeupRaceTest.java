package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cross-loop wakeup as a store-buffering race, round after round: a wakeup is outstanding (the flag is set) when
 * a producer thread hands a packet over while the destination's pass clears the flag and drains. The producer
 * publishes then reads the flag; the pass clears the flag then reads the mailbox. Unless both are full fences, each
 * can miss the other's store (x86 lets a load pass an earlier store to another address): the producer sees the old
 * "wakeup outstanding" and skips its wakeup, the pass sees no packet, and the packet is stranded with no pass coming.
 */
@Timeout(120)
class HandoffWakeupRaceTest {
    private static final int ROUNDS = 200_000;
    /**
     * The pass starts 0 to this many spin waits after the producer is released, round by round, so its clear-then-read
     * falls at every point of the producer's send (which takes longer than the pass) over the rounds.
     */
    private static final int DELAY_SPREAD = 512;
    private static final long STOP = -1;
    private static final int SPINS_BEFORE_YIELD = 100_000;
    private static final long ROUND_WAIT_NS = TimeUnit.SECONDS.toNanos(10);
    /** On a loaded machine the rounds stop here, fewer than {@link #ROUNDS}: the race is checked, not timed. */
    private static final long BUDGET_NS = TimeUnit.SECONDS.toNanos(20);

    @Test
    @DisplayName("a handoff racing the pass that clears the wakeup flag is drained or woken for, never stranded")
    void handoffRacingThePassIsNeverStranded() throws Exception {
        final RelayTestbed bed = new RelayTestbed(2, RelayTestbed.config().queueDepth(4));
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        final RelayShard<byte[]> destination = bed.shards.get(1);
        final RelayTestbed.CountingScheduler wakeups = bed.schedulers.get(1);
        final byte[] packet = dataPacket(16, 0);
        final AtomicLong go = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final Thread producer = new Thread(() -> {
            for (long round = 1; round <= ROUNDS; round++) {
                int spins = 0;
                for (long g; (g = go.get()) != round; ) {
                    if (g == STOP) {
                        return;
                    }
                    if (++spins < SPINS_BEFORE_YIELD) {
                        Thread.onSpinWait(); // ready the moment the round starts, so the race is tight
                    } else {
                        Thread.yield(); // two shared cores: a descheduled pass must get to run
                    }
                }
                a.send(b, packet); // the other shard's thread: mailbox publish, then the wakeup protocol
                sent.set(round);
            }
        }, "producer");
        producer.setDaemon(true);
        producer.start();
        int honoured = 0;
        int stranded = 0;
        long round = 1;
        try {
            final long end = System.nanoTime() + BUDGET_NS;
            for (; round <= ROUNDS && System.nanoTime() < end; round++) {
                destination.wakeFromOtherThread(); // an outstanding wakeup: the flag is set when the race starts
                go.set(round);
                for (long spin = round % DELAY_SPREAD; spin > 0; spin--) {
                    Thread.onSpinWait();
                }
                destination.runPass(); // the wakeup's pass, racing the producer's handoff
                honoured++;
                final long deadline = System.nanoTime() + ROUND_WAIT_NS;
                while (sent.get() != round && System.nanoTime() < deadline) {
                    Thread.yield();
                }
                assertThat(sent.get()).as("producer finished round %d", round).isEqualTo(round);
                while (honoured < wakeups.wakeups.get()) { // the passes the wakeups asked for
                    destination.runPass();
                    honoured++;
                }
                if (destination.handoffsPending() != 0) {
                    stranded++;
                    destination.runPass();
                }
            }
        } finally {
            go.set(STOP);
            producer.join();
        }
        assertThat(stranded).as("rounds (of %d) whose handoff was left in the mailbox with no wakeup", round - 1)
            .isZero();
    }
}
