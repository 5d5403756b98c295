package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static io.derpring.internal.relay.RelayTestbed.discoPacket;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.CounterDescriptor;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.Test;

/** The relay's numbers as exporters read them: stable ids, readable labels, a consistent snapshot. */
class RelayMetricsTest {

    private static void assertIdsAndLabelsAreUnique(final CounterDescriptor[] values) {
        final Set<Integer> ids = new HashSet<>();
        final Set<String> labels = new HashSet<>();
        for (final CounterDescriptor d : values) {
            assertThat(d.id()).as("%s id", d).isPositive();
            assertThat(ids.add(d.id())).as("%s id unique", d).isTrue();
            assertThat(d.label()).as("%s label", d).isNotBlank();
            assertThat(labels.add(d.label())).as("%s label unique", d).isTrue();
        }
    }

    @Test
    void everyCounterGaugeAndDropHasAUniqueIdAndLabel() {
        assertIdsAndLabelsAreUnique(RelayCounter.values());
        assertIdsAndLabelsAreUnique(RelayGauge.values());
        assertIdsAndLabelsAreUnique(RelayDrop.values());
    }

    @Test
    void everyDropReasonHasADiscoAndAnOtherDrop() {
        for (final DropReason reason : DropReason.values()) {
            final RelayDrop disco = RelayDrop.of(reason, true);
            final RelayDrop other = RelayDrop.of(reason, false);
            assertThat(disco.reason()).isEqualTo(reason);
            assertThat(other.reason()).isEqualTo(reason);
            assertThat(disco.isDisco()).isTrue();
            assertThat(other.isDisco()).isFalse();
            assertThat(disco.kind()).isEqualTo("disco");
            assertThat(other.kind()).isEqualTo("other");
            assertThat(disco.label()).contains(reason.label()).contains("(disco)");
            assertThat(other.label()).contains(reason.label()).contains("(other)");
        }
    }

    @Test
    void dropReasonLabelsAreGosSpelling() {
        assertThat(DropReason.UNKNOWN_DEST.label()).isEqualTo("unknown_dest");
        assertThat(DropReason.UNKNOWN_DEST_ON_FWD.label()).isEqualTo("unknown_dest_on_fwd");
        assertThat(DropReason.GONE_DISCONNECTED.label()).isEqualTo("gone_disconnected");
        assertThat(DropReason.QUEUE_HEAD.label()).isEqualTo("queue_head");
        assertThat(DropReason.QUEUE_TAIL.label()).isEqualTo("queue_tail");
        assertThat(DropReason.WRITE_ERROR.label()).isEqualTo("write_error");
        assertThat(DropReason.DUP_CLIENT.label()).isEqualTo("dup_client");
    }

    @Test
    void aSnapshotHoldsWhatTheRelayCountedAcrossShards() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        b.sink.setWritable(false);
        a.send(b, dataPacket(20, 1));
        a.send(NodePrivateKey.generate().publicKey(), discoPacket(100, 2));
        a.send(NodePrivateKey.generate().publicKey(), dataPacket(10, 3));
        bed.pass();

        final Relay.Snapshot s = bed.relay.snapshot();

        assertThat(s.connectedKeys()).isEqualTo(2);
        assertThat(s.counter(RelayCounter.PACKETS_RECEIVED)).isEqualTo(3);
        assertThat(s.counter(RelayCounter.PACKETS_HANDED_OFF)).isEqualTo(1);
        assertThat(s.drop(RelayDrop.UNKNOWN_DEST_DISCO)).isEqualTo(1);
        assertThat(s.drops(DropReason.UNKNOWN_DEST)).isEqualTo(2);
        assertThat(s.gauge(RelayGauge.CONNECTIONS)).isEqualTo(2);
        assertThat(s.gauge(RelayGauge.QUEUED_DATA_PACKETS)).isEqualTo(1);
        assertThat(s.gauge(RelayGauge.QUEUED_BYTES)).isEqualTo(bed.shards.get(1).queuedBytes()).isPositive();
        assertThat(s.counters()).hasSize(RelayCounter.values().length);
        assertThat(s.drops()).hasSize(RelayDrop.values().length);
    }
}
