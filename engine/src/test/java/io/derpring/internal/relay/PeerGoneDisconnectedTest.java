package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC §3.4: receivers of a departing key learn it is gone. */
class PeerGoneDisconnectedTest {

    @Test
    @DisplayName("B33: when the last connection of K closes, clients that received packets from K get PeerGone(K, Disconnected)")
    void receiversOfADepartedKeyGetPeerGone() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer k = bed.connect(0);
        final Peer sameShard = bed.connect(0);
        final Peer otherShard = bed.connect(1);
        final Peer bystander = bed.connect(1);
        k.send(sameShard, dataPacket(10, 1));
        k.send(otherShard, dataPacket(10, 1));
        k.send(otherShard, dataPacket(10, 2));
        bed.pass();
        k.client.close();
        bed.pass();
        for (final Peer receiver : new Peer[] {sameShard, otherShard}) {
            assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).singleElement().satisfies(f -> {
                final UnsafeBuffer b = new UnsafeBuffer(f);
                assertThat(PeerGoneFlyweight.readPeer(b, 5)).isEqualTo(k.key());
                assertThat(PeerGoneFlyweight.reason(b, 5, 33)).isEqualTo(PeerGoneFlyweight.REASON_DISCONNECTED);
            });
        }
        assertThat(bystander.sink.frames).as("never received from K").isEmpty();
        assertThat(bed.relay.counter(RelayCounter.PEER_GONE_DISCONNECTED_SENT)).isEqualTo(2);
    }

    @Test
    @DisplayName("B33: a 2 -> 1 connection drop of K sends no PeerGone")
    void twoToOneDropSendsNoPeerGone() {
        final RelayTestbed bed = new RelayTestbed(1);
        final NodeKey key = NodePrivateKey.generate().publicKey();
        final Peer first = bed.connect(0, key);
        final Peer second = bed.connect(0, key);
        final Peer receiver = bed.connect(0);
        second.send(receiver, dataPacket(10, 1));
        first.send(receiver, dataPacket(10, 2));
        bed.pass();
        second.client.close();
        bed.pass();
        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
        first.client.close();
        bed.pass();
        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).as("now the last one left").hasSize(1);
    }

    @Test
    void aReceiverThatLeftFirstGetsNothingAndLeaksNothing() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer k = bed.connect(0);
        final Peer receiver = bed.connect(0);
        k.send(receiver, dataPacket(10, 1));
        bed.pass();
        receiver.client.close();
        k.client.close();
        bed.pass();
        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
    }

    @Test
    void aKeyThatReconnectedBeforeTheNoticeIsNotReportedGone() {
        final RelayTestbed bed = new RelayTestbed(1);
        final NodeKey key = NodePrivateKey.generate().publicKey();
        final Peer k = bed.connect(0, key);
        final Peer receiver = bed.connect(0);
        k.send(receiver, dataPacket(10, 1));
        bed.pass();
        k.client.close();
        bed.connect(0, key);
        bed.pass();
        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
    }
}
