package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static io.derpring.internal.relay.RelayTestbed.discoPacket;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SendPacket → RecvPacket (SPEC §3.2), on one shard and across shards. */
class ForwardingTest {

    @ParameterizedTest(name = "sender on shard {0}, receiver on shard 0")
    @ValueSource(ints = {0, 1})
    @DisplayName("B14: a SendPacket to a connected key arrives as RecvPacket(sender key || packet), bytes unchanged")
    void sendPacketArrivesAsRecvPacketWithTheSendersKey(final int senderShard) {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(senderShard);
        final Peer b = bed.connect(0);
        final byte[] packet = dataPacket(1200, 7);
        a.send(b, packet);
        bed.pass();
        final List<RelayTestbed.Recv> got = b.sink.received();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).source()).isEqualTo(a.key());
        assertThat(got.get(0).packet()).isEqualTo(packet);
        assertThat(got.get(0).frame()).hasSize(5 + 32 + 1200);
        assertThat(a.sink.frames).isEmpty();
        assertThat(bed.relay.counter(RelayCounter.PACKETS_FORWARDED)).isEqualTo(1);
        assertThat(bed.relay.counter(RelayCounter.BYTES_FORWARDED)).isEqualTo(1200);
        assertThat(bed.relay.counter(RelayCounter.PACKETS_HANDED_OFF)).isEqualTo(senderShard == 0 ? 0 : 1);
        assertThat(bed.memory.outstanding).hasValue(0);
    }

    @Test
    @DisplayName("B14: packets flow both ways between two clients on different shards")
    void packetsFlowBothWays() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        for (int i = 0; i < 10; i++) {
            a.send(b, dataPacket(100 + i, i));
            b.send(a, dataPacket(200 + i, i));
        }
        bed.pass();
        assertThat(a.sink.received()).extracting(r -> r.packet().length).containsExactly(200, 201, 202, 203, 204, 205, 206, 207, 208, 209);
        assertThat(b.sink.received()).extracting(r -> r.packet().length).containsExactly(100, 101, 102, 103, 104, 105, 106, 107, 108, 109);
        assertThat(a.sink.received()).allMatch(r -> r.source().equals(b.key()));
    }

    @Test
    @DisplayName("B17: a zero-length packet is relayed as a 32-byte RecvPacket")
    void zeroLengthPacketIsRelayed() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        a.send(b, new byte[0]);
        bed.pass();
        assertThat(b.sink.received()).singleElement().satisfies(r -> {
            assertThat(r.packet()).isEmpty();
            assertThat(r.frame()).hasSize(5 + 32);
        });
    }

    @Test
    @DisplayName("B15: a packet of exactly 65 536 bytes is relayed")
    void maximumPacketIsRelayed() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        final byte[] packet = dataPacket(FrameLimits.MAX_PACKET_SIZE, 3);
        a.send(b, packet);
        bed.pass();
        assertThat(b.sink.received()).singleElement().satisfies(r -> assertThat(r.packet()).isEqualTo(packet));
    }

    @Test
    void writesOfOnePassAreFlushedOnceAndOnePassIsRequested() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        for (int i = 0; i < 5; i++) {
            a.send(b, dataPacket(10, i));
        }
        assertThat(bed.schedulers.get(0).passRequests).as("one pass for the whole batch").isEqualTo(1);
        bed.pass();
        assertThat(b.sink.received()).hasSize(5);
        assertThat(b.sink.flushes).isEqualTo(1);
    }

    @Test
    void crossShardHandoffWakesTheTargetOncePerBatch() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        for (int i = 0; i < 5; i++) {
            a.send(b, dataPacket(10, i));
        }
        assertThat(bed.schedulers.get(1).wakeups).hasValue(1);
        bed.shards.get(1).runPass();
        assertThat(b.sink.received()).hasSize(5);
        assertThat(b.sink.flushes).isEqualTo(1);
    }

    @Test
    void discoAndDataAreCountedByKind() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        a.send(b, discoPacket(100, 1));
        a.send(b, dataPacket(100, 2));
        bed.pass();
        assertThat(bed.relay.counter(RelayCounter.PACKETS_RECEIVED)).isEqualTo(2);
        assertThat(bed.relay.counter(RelayCounter.PACKETS_RECEIVED_DISCO)).isEqualTo(1);
    }

    @Test
    void packetsToAClientThatClosedWhileTheyWereInFlightAreDroppedAsGoneDisconnected() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        a.send(b, dataPacket(10, 1));
        b.client.close();
        bed.pass();
        assertThat(bed.relay.drops(RelayDrop.GONE_DISCONNECTED_OTHER)).isEqualTo(1);
        assertThat(bed.memory.outstanding).hasValue(0);
    }
}
