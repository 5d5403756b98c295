package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static io.derpring.internal.relay.RelayTestbed.discoPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.FrameType;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.Test;

/** What a connection reports about itself and what it counts, one rule per test. */
class ClientStateTest {
    private final RelayTestbed bed = new RelayTestbed(1);

    @Test
    void aClientIsPreferredOnlyWhileItsLastNotePreferredSaidSo() {
        final Peer a = bed.connect(0);
        assertThat(a.client.isPreferred()).isFalse();
        a.client.onNotePreferred(true);
        assertThat(a.client.isPreferred()).isTrue();
        a.client.onNotePreferred(false);
        assertThat(a.client.isPreferred()).isFalse();
        assertThat(bed.relay.counter(RelayCounter.NOTE_PREFERRED)).isEqualTo(2);
    }

    @Test
    void everyPingIsCountedAsReceived() {
        final Peer a = bed.connect(0);
        a.client.onPing(1);
        a.client.onPing(2);
        bed.pass();
        a.client.onPing(3);
        bed.pass();
        assertThat(bed.relay.counter(RelayCounter.PINGS_RECEIVED)).isEqualTo(3);
        assertThat(bed.relay.counter(RelayCounter.PINGS_IGNORED)).isEqualTo(1);
    }

    @Test
    void onlyTheNewestOfTwoConnectionsOfAKeyIsActive() {
        final NodeKey key = NodePrivateKey.generate().publicKey();
        final Peer first = bed.connect(0, key);
        assertThat(first.client.isActive()).isTrue();
        final Peer second = bed.connect(0, key);
        assertThat(first.client.isActive()).isFalse();
        assertThat(second.client.isActive()).isTrue();
        assertThat(bed.relay.keyCount()).isEqualTo(1);
    }

    @Test
    void everyConnectionHasItsOwnId() {
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        assertThat(a.client.connectionId()).isNotEqualTo(b.client.connectionId());
        assertThat(a.client.toString()).contains(Long.toString(a.client.connectionId())).doesNotContain("mesh");
    }

    @Test
    void keyCountCountsConnectedKeysOnce() {
        final NodeKey key = NodePrivateKey.generate().publicKey();
        bed.connect(0, key);
        bed.connect(0, key);
        final Peer other = bed.connect(0);
        assertThat(bed.relay.keyCount()).isEqualTo(2);
        other.client.close();
        assertThat(bed.relay.keyCount()).isEqualTo(1);
    }

    @Test
    void closingAClientWithQueuedPacketsEmptiesTheQueueGauges() {
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        a.send(b, dataPacket(20, 1));
        a.send(b, discoPacket(100, 2));
        bed.pass();
        assertThat(bed.relay.gauge(RelayGauge.QUEUED_BYTES)).isPositive();

        b.client.close();

        assertThat(bed.relay.gauge(RelayGauge.QUEUED_DATA_PACKETS)).isZero();
        assertThat(bed.relay.gauge(RelayGauge.QUEUED_DISCO_PACKETS)).isZero();
        assertThat(bed.relay.gauge(RelayGauge.QUEUED_BYTES)).isZero();
        assertThat(bed.shards.get(0).queuedBytes()).isZero();
        assertThat(bed.memory.outstanding).hasValue(0);
    }

    @Test
    void aKeyThatLeavesTwiceIsReportedGoneTwiceToTheSameReceiver() {
        final NodeKey key = NodePrivateKey.generate().publicKey();
        final Peer receiver = bed.connect(0);
        final Peer first = bed.connect(0, key);
        first.send(receiver, dataPacket(10, 1));
        bed.pass();
        first.client.close();
        bed.pass();
        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).hasSize(1);

        final Peer again = bed.connect(0, key);
        again.send(receiver, dataPacket(10, 2));
        bed.pass();
        again.client.close();
        bed.pass();

        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).hasSize(2);
    }

    @Test
    void aPassWithNothingToWriteDoesNotFlush() {
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        a.send(b, dataPacket(10, 1));
        bed.pass();
        assertThat(b.sink.flushes).isEqualTo(1);
        b.sink.setWritable(false);
        b.sink.setWritable(true); // marks it dirty with nothing queued
        bed.pass();
        assertThat(b.sink.flushes).isEqualTo(1);
    }
}
