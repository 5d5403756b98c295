package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Packets between loops are queued too: the handoff gauge a drain waits on, and the timer that rescues
 * handoffs stranded by a lost wakeup (and only those). */
class HandoffPendingTest {

    @Test
    @DisplayName("packets handed to another shard count as pending until its pass queues them")
    void handoffsArePendingUntilTheDestinationsPass() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        for (int i = 0; i < 3; i++) {
            a.send(b, dataPacket(100, i));
        }
        assertThat(bed.relay.gauge(RelayGauge.HANDOFFS_PENDING)).isEqualTo(3);
        bed.pass();
        assertThat(bed.relay.gauge(RelayGauge.HANDOFFS_PENDING)).isZero();
        assertThat(b.sink.received()).hasSize(3);
    }

    @Test
    @DisplayName("handoffs waiting STRANDED_AFTER_NS across ticks with no pass between are rescued by a pass, counted")
    void timerRescuesHandoffsStrandedForTheBound() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        a.send(b, dataPacket(100, 0)); // the testbed's scheduler only counts the wakeup: the pass never comes
        bed.timers();
        bed.advanceNs(RelayShard.STRANDED_AFTER_NS);
        bed.timers();
        assertThat(bed.relay.counter(RelayCounter.HANDOFFS_RESCUED)).isEqualTo(1);
        assertThat(bed.relay.gauge(RelayGauge.HANDOFFS_PENDING)).isZero();
        assertThat(b.sink.received()).hasSize(1);
    }

    @Test
    @DisplayName("handoffs waiting just under STRANDED_AFTER_NS are left to the pass on its way")
    void handoffsWaitingUnderTheBoundAreNotRescued() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        a.send(b, dataPacket(100, 0));
        bed.timers();
        bed.advanceNs(RelayShard.STRANDED_AFTER_NS - 1);
        bed.timers();
        assertThat(bed.relay.counter(RelayCounter.HANDOFFS_RESCUED)).isZero();
        assertThat(bed.relay.gauge(RelayGauge.HANDOFFS_PENDING)).isEqualTo(1);
        bed.advanceNs(1);
        bed.timers();
        assertThat(bed.relay.counter(RelayCounter.HANDOFFS_RESCUED)).isEqualTo(1);
    }

    @Test
    @DisplayName("a single tick never rescues: a wakeup pass may be queued behind it")
    void oneTickThatSeesHandoffsDoesNotRescue() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        bed.advanceNs(RelayShard.STRANDED_AFTER_NS * 10);
        a.send(b, dataPacket(100, 0));
        bed.timers();
        assertThat(bed.relay.counter(RelayCounter.HANDOFFS_RESCUED)).isZero();
        assertThat(b.sink.received()).isEmpty();
    }

    @Test
    @DisplayName("a pass between two ticks means the handoffs seen were drained: newer ones start a new wait")
    void aPassBetweenTicksRestartsTheWait() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        a.send(b, dataPacket(100, 0));
        bed.timers();
        bed.pass();
        a.send(b, dataPacket(100, 1));
        bed.advanceNs(RelayShard.STRANDED_AFTER_NS + 1);
        bed.timers();
        assertThat(bed.relay.counter(RelayCounter.HANDOFFS_RESCUED)).isZero();
        assertThat(bed.relay.gauge(RelayGauge.HANDOFFS_PENDING)).isEqualTo(1);
    }

    @Test
    @DisplayName("an empty mailbox is left alone by the timer")
    void timerLeavesAnEmptyMailboxAlone() {
        final RelayTestbed bed = new RelayTestbed(2);
        bed.connect(0);
        bed.connect(1);
        bed.timers();
        assertThat(bed.relay.counter(RelayCounter.HANDOFFS_RESCUED)).isZero();
    }
}
