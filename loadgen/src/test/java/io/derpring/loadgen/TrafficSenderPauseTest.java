package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.derpring.engine.SendResult;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

class TrafficSenderPauseTest {
    private static final long EVERY_NS = TimeUnit.MILLISECONDS.toNanos(40);
    private static final long FOR_NS = TimeUnit.MILLISECONDS.toNanos(60);

    /** Checks every packet (the sender test's clients) and records the longest gap between two sends. */
    private static final class GapClients extends StubClients {
        final TrafficSenderTest.CheckingClients checks = new TrafficSenderTest.CheckingClients(1);
        long lastNs;
        long longestGapNs;
        int gapsOverHalfAPause;

        @Override
        public SendResult sendData(final int pair, final DirectBuffer packet, final int length) {
            final long nowNs = System.nanoTime();
            if (lastNs != 0) {
                longestGapNs = Math.max(longestGapNs, nowNs - lastNs);
                if (nowNs - lastNs >= FOR_NS / 2) {
                    gapsOverHalfAPause++;
                }
            }
            lastNs = nowNs;
            return checks.sendData(pair, packet, length);
        }
    }

    @Test
    void theSenderSendsNothingForEachPauseAndCountsIt() {
        final PairState[] pairs = TrafficSenderTest.pairs(1);
        final GapClients clients = new GapClients();
        // Paced (one packet a millisecond) so a gap can only be a pause, not a slow pass.
        final TrafficSender sender = new TrafficSender(pairs, clients, 0, 1000, TrafficSenderTest.SIZE,
            new SenderWakeup());
        sender.pauses(EVERY_NS, FOR_NS);
        final long now = System.nanoTime();
        // Three whole cycles and the start of a fourth: three pauses end before sending does.
        sender.schedule(now, now, now + 3 * (EVERY_NS + FOR_NS) + EVERY_NS / 2);
        sender.run();
        assertThat(clients.checks.bad).isZero();
        assertThat(sender.pausesTaken()).isEqualTo(3);
        assertThat(clients.longestGapNs).isGreaterThanOrEqualTo(FOR_NS / 2);
        assertThat(clients.gapsOverHalfAPause).as("a long gap for each pause").isGreaterThanOrEqualTo(3);
    }

    @Test
    void withoutPausesTheSenderNeverPauses() {
        final PairState[] pairs = TrafficSenderTest.pairs(1);
        final GapClients clients = new GapClients();
        final TrafficSender sender = new TrafficSender(pairs, clients, 0, 1000, TrafficSenderTest.SIZE,
            new SenderWakeup());
        final long now = System.nanoTime();
        sender.schedule(now, now, now + 3 * (EVERY_NS + FOR_NS));
        sender.run();
        assertThat(sender.pausesTaken()).isZero();
        assertThat(pairs[0].sent.get()).isPositive();
    }
}
