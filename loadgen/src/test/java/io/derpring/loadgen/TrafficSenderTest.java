package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import io.derpring.engine.SendResult;
import io.derpring.testing.Allocations;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sender loop on the test thread, against clients that only look at what they are given. */
@Timeout(30)
class TrafficSenderTest {
    static final int SIZE = 200;

    /** Checks every packet and counts per pair; acknowledges nothing. */
    static final class CheckingClients extends StubClients {
        final CRC32C crc = new CRC32C();
        final byte[] copy = new byte[SIZE];
        final UnsafeBuffer view = new UnsafeBuffer(copy);
        final long[] perPair;
        long bad;
        long lastScheduledNs;
        boolean warmupSeen;
        boolean measuredSeen;
        /** Every n-th send answers BACK_PRESSURED (0: never). */
        int backPressureEvery;
        long calls;

        CheckingClients(final int pairs) {
            perPair = new long[pairs];
        }

        @Override
        public SendResult sendData(final int pair, final DirectBuffer packet, final int length) {
            if (backPressureEvery > 0 && ++calls % backPressureEvery == 0) {
                return SendResult.BACK_PRESSURED;
            }
            packet.getBytes(0, copy, 0, length);
            if (length != SIZE || !PayloadFlyweight.verify(crc, copy, length, view)
                || PayloadFlyweight.pair(view, 0) != pair || PayloadFlyweight.seq(view, 0) != perPair[pair]) {
                bad++;
            }
            perPair[pair]++;
            lastScheduledNs = PayloadFlyweight.scheduledNs(view, 0);
            if (PayloadFlyweight.isWarmup(view, 0)) {
                warmupSeen = true;
            } else {
                measuredSeen = true;
            }
            return SendResult.ACCEPTED;
        }
    }

    static PairState[] pairs(final int n) {
        final PairState[] p = new PairState[n];
        for (int i = 0; i < n; i++) {
            p[i] = new PairState(i, 1);
        }
        return p;
    }

    @Test
    void everyPacketIsSealedSequencedPerPairAndFlaggedByPhase() {
        final PairState[] pairs = pairs(3);
        final CheckingClients clients = new CheckingClients(3);
        final TrafficSender sender = new TrafficSender(pairs, clients, 0, 0, SIZE, new SenderWakeup());
        final long now = System.nanoTime();
        // Phases of 300 ms: a busy two-core machine may stall this thread for tens of ms, and each phase must see sends.
        sender.schedule(now, now + TimeUnit.MILLISECONDS.toNanos(300), now + TimeUnit.MILLISECONDS.toNanos(600));
        sender.run();
        assertThat(clients.bad).isZero();
        assertThat(clients.warmupSeen).isTrue();
        assertThat(clients.measuredSeen).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(pairs[i].sent.get()).isEqualTo(clients.perPair[i]).isPositive();
        }
        assertThat(sender.stoppedNs()).isPositive();
    }

    @Test
    void aBackPressuredSendIsRetriedAndCountedNeverSkipped() {
        final PairState[] pairs = pairs(2);
        final CheckingClients clients = new CheckingClients(2);
        clients.backPressureEvery = 3;
        final TrafficSender sender = new TrafficSender(pairs, clients, 0, 0, SIZE, new SenderWakeup());
        final long now = System.nanoTime();
        sender.schedule(now, now, now + TimeUnit.MILLISECONDS.toNanos(200));
        sender.run();
        assertThat(clients.bad).as("each pair's seqs arrive without a gap").isZero();
        long retries = 0;
        for (int i = 0; i < 2; i++) {
            assertThat(pairs[i].sent.get()).isEqualTo(clients.perPair[i]).isPositive();
            retries += pairs[i].backPressuredRetries.get();
        }
        // The last call may have been refused after the run's end: not retried, so not counted.
        assertThat(retries).isBetween(clients.calls / 3 - 1, clients.calls / 3).isPositive();
    }

    @Test
    void aFullWindowStopsThePairUntilAcked() {
        final PairState[] pairs = pairs(2);
        final CheckingClients clients = new CheckingClients(2);
        final TrafficSender sender = new TrafficSender(pairs, clients, 5, 0, SIZE, new SenderWakeup());
        pairs[1].ackedSeq.set(1_000); // pair 1 acknowledged far ahead: its window never fills in this run
        final long now = System.nanoTime();
        sender.schedule(now, now, now + TimeUnit.MILLISECONDS.toNanos(300));
        sender.run();
        assertThat(pairs[0].sent.get()).as("nothing acknowledged: one window").isEqualTo(5);
        assertThat(pairs[1].sent.get()).isGreaterThan(5);
    }

    @Test
    void aWindowWhoseAcksNeverComeIsGivenUpAfterTheStallTimeout() {
        final PairState[] pairs = pairs(1);
        final CheckingClients clients = new CheckingClients(1);
        final TrafficSender sender = new TrafficSender(pairs, clients, 3, 0, SIZE, new SenderWakeup());
        final long now = System.nanoTime();
        sender.schedule(now, now, now + TrafficSender.WINDOW_STALL_TIMEOUT_NS + TimeUnit.MILLISECONDS.toNanos(300));
        sender.run();
        assertThat(pairs[0].windowStalls.get()).isPositive();
        assertThat(pairs[0].sent.get()).isEqualTo(3 * (pairs[0].windowStalls.get() + 1));
    }

    @Test
    void pacedPacketsCarryTheirSlotNotTheirSendTime() {
        final PairState[] pairs = pairs(1);
        final CheckingClients clients = new CheckingClients(1);
        final long rate = 1000;
        final TrafficSender sender = new TrafficSender(pairs, clients, 0, rate, SIZE, new SenderWakeup());
        final long start = System.nanoTime();
        sender.schedule(start, start, start + TimeUnit.MILLISECONDS.toNanos(50));
        sender.run();
        final long n = pairs[0].sent.get();
        assertThat(n).isPositive().isLessThanOrEqualTo(51);
        assertThat(clients.lastScheduledNs).as("the last packet's slot").isEqualTo(start + (n - 1) * 1_000_000L);
    }

    @Test
    void sendingAllocatesNothingOnceWarm() {
        final PairState[] pairs = pairs(4);
        final CheckingClients clients = new CheckingClients(4);
        final TrafficSender sender = new TrafficSender(pairs, clients, 0, 0, SIZE, new SenderWakeup());
        final long[] sent = new long[1];
        final long bytes = Allocations.measure(3, () -> {
            final long now = System.nanoTime();
            sender.schedule(now, now, now + TimeUnit.MILLISECONDS.toNanos(150));
            sender.run();
        });
        for (final PairState p : pairs) {
            sent[0] += p.sent.get();
        }
        assertThat(sent[0]).isGreaterThan(10_000);
        assertThat(bytes).as("bytes allocated by %,d sends in 3 runs", sent[0]).isLessThan(1024);
    }
}
