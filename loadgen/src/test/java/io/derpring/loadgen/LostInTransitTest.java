package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import io.derpring.transport.internal.client.ClientCounter;
import org.junit.jupiter.api.Test;

/**
 * The balance's lost-in-transit term: measured from both ends' counters, credited only when a connection died, never
 * for external relays whose packet counters are not read.
 */
class LostInTransitTest {
    /** Clients whose connection counters the test sets. */
    static final class CountedClients extends StubClients {
    }

    /** A relay whose packet counters the test sets; -1 = not readable (an external relay). */
    static final class CountedRelay extends RelayDrops {
        long received;
        long forwarded;

        @Override
        long total() {
            return 0;
        }

        @Override
        boolean known() {
            return true;
        }

        @Override
        boolean live() {
            return true;
        }

        @Override
        String describe() {
            return "test relay";
        }

        @Override
        long packetsReceived() {
            return received;
        }

        @Override
        long packetsForwarded() {
            return forwarded;
        }
    }

    final PairState pair = new PairState(0, 1);
    final CountedClients clients = new CountedClients();
    final CountedRelay relay = new CountedRelay();
    final LoadRun run = new LoadRun(new PairState[] {pair}, new LatencyRecorder(), new AtomicLong(), relay, 100);

    /** 10 sent; the clients wrote 10, the relay read 8 and wrote 8, the receiver read 7 and got all 7. */
    void tenSentSevenArrived() {
        clients.counters.add(ClientCounter.PACKETS_SENT, 5); // before the run: baselines
        relay.received = 5;
        relay.forwarded = 5;
        clients.counters.add(ClientCounter.PACKETS_RECEIVED, 5);
        run.begin(clients, 0, 0, 1);
        pair.sent.set(10);
        pair.received.set(7);
        clients.counters.add(ClientCounter.PACKETS_SENT, 10);
        relay.received += 8;
        relay.forwarded += 8;
        clients.counters.add(ClientCounter.PACKETS_RECEIVED, 7);
    }

    @Test
    void packetsLostOnADeadConnectionAreCountedByDirection() {
        tenSentSevenArrived();
        clients.counters.add(ClientCounter.DISCONNECTS, 1);
        assertThat(run.lostClientToRelay()).isEqualTo(2);
        assertThat(run.lostRelayToClient()).isEqualTo(1);
        assertThat(run.lostInTransit()).isEqualTo(3);
        assertThat(run.unaccounted(0)).isZero();
    }

    @Test
    void withoutALostConnectionTheGapStaysUnexplained() {
        tenSentSevenArrived();
        assertThat(run.lostInTransit()).isZero();
        assertThat(run.unaccounted(0)).isEqualTo(3);
        assertThat(run.shortfall(0)).isEqualTo(3);
    }

    @Test
    void connectionsLostBeforeTheRunDoNotCount() {
        clients.counters.add(ClientCounter.DISCONNECTS, 4);
        tenSentSevenArrived();
        assertThat(run.connectionsLost()).isZero();
        assertThat(run.lostInTransit()).isZero();
    }

    @Test
    void anExternalRelayGivesNoTransitCredit() {
        relay.received = -1;
        relay.forwarded = -1;
        run.begin(clients, 0, 0, 1);
        pair.sent.set(10);
        clients.counters.add(ClientCounter.PACKETS_SENT, 10);
        clients.counters.add(ClientCounter.DISCONNECTS, 1);
        assertThat(run.transitKnown()).isFalse();
        assertThat(run.lostInTransit()).isZero();
        assertThat(run.unaccounted(0)).isEqualTo(10);
    }
}
