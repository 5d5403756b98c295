package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static io.derpring.internal.relay.RelayTestbed.discoPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.ForwardPacketFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.internal.relay.RelayTestbed.Peer;
import io.derpring.internal.relay.RelayTestbed.RecordingSink;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.2 lookupDest, §3.4, §3.9, the client side of a mesh: keys learnt from a watched peer become forwarders, and
 * SendPacket to them goes out on the peer's link as ForwardPacket.
 */
class MeshForwarderTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    private final RelayTestbed bed = new RelayTestbed(2, RelayTestbed.config().meshKey(MESH));
    private final NodeKey remote = NodePrivateKey.generate().publicKey();

    /** A watched peer with its link up on {@code shard}. */
    private final class Link {
        final MeshPeer<byte[]> peer;
        final RecordingSink sink = new RecordingSink();
        RelayClient<byte[]> client;

        Link(final String name, final int shard) {
            peer = bed.relay.addMeshPeer(name);
            sink.memory = bed.memory;
            up(shard);
        }

        void up(final int shard) {
            client = bed.shards.get(shard).registerMeshLink(sink, NodePrivateKey.generate().publicKey(), peer);
            sink.client = client;
            peer.linkUp(client);
        }

        void present(final NodeKey k) {
            peer.onPeerPresent(RelayKey.of(k));
        }

        void gone(final NodeKey k) {
            peer.onPeerGone(RelayKey.of(k));
        }

        int forwarded() {
            return sink.framesOfType(FrameType.FORWARD_PACKET).size();
        }
    }

    @Test
    void aSendPacketToAKeyOnAMeshPeerGoesOutAsForwardPacketWithSourceAndDestination() {
        final Link link = new Link("b", 1);
        final Peer a = bed.connect(0);
        link.present(remote);
        final byte[] packet = dataPacket(300, 1);
        a.send(remote, packet);
        bed.pass();
        final byte[] expected = new byte[ForwardPacketFlyweight.frameLength(packet.length)];
        ForwardPacketFlyweight.encode(new UnsafeBuffer(expected), 0, a.key(), remote, new UnsafeBuffer(packet), 0,
            packet.length);
        assertThat(link.sink.framesOfType(FrameType.FORWARD_PACKET)).singleElement().isEqualTo(expected);
        assertThat(link.peer.packetsForwarded()).isEqualTo(1);
        assertThat(bed.relay.counter(RelayCounter.MESH_PACKETS_FORWARDED)).isEqualTo(1);
        assertThat(bed.relay.drops(DropReason.UNKNOWN_DEST)).isZero();
    }

    @Test
    void aKeyOnTwoPeersGoesToThePeerThatReportedItFirstUntilThatPeerSaysItLeft() {
        final Link first = new Link("b", 0);
        final Link second = new Link("c", 1);
        final Peer a = bed.connect(0);
        first.present(remote);
        second.present(remote);
        a.send(remote, dataPacket(100, 1));
        bed.pass();
        assertThat(first.forwarded()).isEqualTo(1);
        assertThat(second.forwarded()).isZero();
        first.gone(remote);
        a.send(remote, dataPacket(100, 2));
        bed.pass();
        assertThat(first.forwarded()).isEqualTo(1);
        assertThat(second.forwarded()).isEqualTo(1);
    }

    @Test
    void aLocalConnectionOfTheKeyWinsOverAMeshPeer() {
        final Link link = new Link("b", 0);
        final Peer a = bed.connect(0);
        final Peer local = bed.connect(1);
        link.present(local.key());
        a.send(local, dataPacket(100, 1));
        bed.pass();
        assertThat(local.sink.framesOfType(FrameType.RECV_PACKET)).hasSize(1);
        assertThat(link.forwarded()).isZero();
    }

    @Test
    void whenThePeersLinkBreaksItsKeysAreForgottenAndPacketsForThemAreUnknownDestinations() {
        final Link link = new Link("b", 1);
        final Peer a = bed.connect(0);
        link.present(remote);
        link.client.close();
        link.peer.linkDown(link.client);
        assertThat(link.peer.keyCount()).isZero();
        assertThat(link.peer.keysForgottenOnBreak()).as("Go's MeshConnBroke").isEqualTo(1);
        assertThat(bed.relay.isOnMeshPeer(remote)).isFalse();
        a.send(remote, dataPacket(100, 1));
        bed.pass();
        assertThat(bed.relay.drops(DropReason.UNKNOWN_DEST)).isEqualTo(1);
        assertThat(bed.relay.drops(DropReason.MESH_PEER_UNAVAILABLE)).as("nothing waits on the dead link").isZero();
        assertThat(link.forwarded()).isZero();
    }

    @Test
    void aClientThatReceivedFromARemoteKeyGetsPeerGoneWhenTheMeshLinkBreaks() {
        final Link link = new Link("b", 1);
        final Peer meshServer = bed.connect(1, NodePrivateKey.generate().publicKey(), MESH);
        final Peer local = bed.connect(0);
        link.present(remote);
        forwardFrom(meshServer, remote, local.key(), dataPacket(50, 1));
        bed.pass();
        assertThat(local.sink.framesOfType(FrameType.RECV_PACKET)).hasSize(1);
        link.client.close();
        link.peer.linkDown(link.client);
        bed.pass();
        assertThat(local.sink.framesOfType(FrameType.PEER_GONE)).singleElement().satisfies(f -> {
            final UnsafeBuffer b = new UnsafeBuffer(f);
            assertThat(PeerGoneFlyweight.readPeer(b, 5)).isEqualTo(remote);
            assertThat(PeerGoneFlyweight.reason(b, 5, f.length - 5)).as("on the wire MeshConnBroke is Disconnected")
                .isEqualTo(PeerGoneFlyweight.REASON_DISCONNECTED);
        });
    }

    @Test
    void aLateDownForALinkAlreadyReplacedForgetsNothing() {
        final Link link = new Link("b", 1);
        final RelayClient<byte[]> old = link.client;
        link.up(0);
        link.present(remote);
        old.close();
        link.peer.linkDown(old);
        assertThat(link.peer.keyCount()).isEqualTo(1);
        assertThat(link.peer.keysForgottenOnBreak()).isZero();
        assertThat(link.peer.isConnected()).isTrue();
    }

    @Test
    void aNewLinkForgetsWhatThePreviousOneTaught() {
        final Link link = new Link("b", 1);
        final Peer a = bed.connect(0);
        link.present(remote);
        link.up(0); // replaced before its down was seen
        assertThat(link.peer.keyCount()).isZero();
        a.send(remote, dataPacket(100, 1));
        bed.pass();
        assertThat(bed.relay.drops(DropReason.UNKNOWN_DEST)).isEqualTo(1);
        assertThat(link.forwarded()).isZero();
    }

    @Test
    void aClientThatReceivedFromARemoteKeyGetsPeerGoneWhenTheMeshPeerReportsItGone() {
        final Link link = new Link("b", 1);
        final Peer meshServer = bed.connect(1, NodePrivateKey.generate().publicKey(), MESH);
        final Peer local = bed.connect(0);
        link.present(remote);
        forwardFrom(meshServer, remote, local.key(), dataPacket(50, 1));
        bed.pass();
        assertThat(local.sink.framesOfType(FrameType.RECV_PACKET)).hasSize(1);
        link.gone(remote);
        bed.pass();
        assertThat(local.sink.framesOfType(FrameType.PEER_GONE)).singleElement().satisfies(f -> {
            final UnsafeBuffer b = new UnsafeBuffer(f);
            assertThat(PeerGoneFlyweight.readPeer(b, 5)).isEqualTo(remote);
            assertThat(PeerGoneFlyweight.reason(b, 5, 33)).isEqualTo(PeerGoneFlyweight.REASON_DISCONNECTED);
        });
    }

    @Test
    void noPeerGoneWhileAnotherMeshPeerStillHasTheKey() {
        final Link b = new Link("b", 1);
        final Link c = new Link("c", 0);
        final Peer meshServer = bed.connect(1, NodePrivateKey.generate().publicKey(), MESH);
        final Peer local = bed.connect(0);
        b.present(remote);
        c.present(remote);
        forwardFrom(meshServer, remote, local.key(), dataPacket(50, 1));
        bed.pass();
        b.gone(remote);
        bed.pass();
        assertThat(local.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
        c.gone(remote);
        bed.pass();
        assertThat(local.sink.framesOfType(FrameType.PEER_GONE)).hasSize(1);
    }

    @Test
    void aClientThatNeverReceivedFromTheRemoteKeyGetsNoPeerGone() {
        final Link link = new Link("b", 1);
        final Peer local = bed.connect(0);
        link.present(remote);
        local.send(remote, dataPacket(50, 1)); // sending to it is not receiving from it (Go sentTo)
        link.gone(remote);
        bed.pass();
        assertThat(local.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
    }

    @Test
    void watchersHearOnlyAboutLocalClientsNeverAboutKeysLearntFromPeers() {
        final Link link = new Link("b", 1);
        final Peer watcher = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        watcher.client.onWatchConns();
        bed.pass();
        final int before = watcher.sink.framesOfType(FrameType.PEER_PRESENT).size();
        link.present(remote);
        link.gone(remote);
        bed.pass();
        assertThat(watcher.sink.framesOfType(FrameType.PEER_PRESENT)).hasSize(before);
        assertThat(watcher.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
        bed.connect(1);
        bed.pass();
        assertThat(watcher.sink.framesOfType(FrameType.PEER_PRESENT)).hasSize(before + 1);
    }

    @Test
    void anInboundForwardPacketIsNeverForwardedAgain() {
        final Link link = new Link("b", 1);
        final Peer meshServer = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        final NodeKey elsewhere = NodePrivateKey.generate().publicKey();
        link.present(elsewhere);
        forwardFrom(meshServer, remote, elsewhere, dataPacket(50, 1));
        bed.pass();
        assertThat(link.forwarded()).isZero();
        assertThat(bed.relay.drops(DropReason.UNKNOWN_DEST_ON_FWD)).isEqualTo(1);
    }

    @Test
    void theLinkSendsNoKeepAlive() {
        final Link link = new Link("b", 0);
        bed.advanceNs(10 * 60 * 1_000_000_000L);
        bed.timers();
        bed.pass();
        assertThat(link.sink.framesOfType(FrameType.KEEP_ALIVE)).isEmpty();
    }

    @Test
    void theLinkIsNotAConnectedClient() {
        new Link("b", 0);
        assertThat(bed.relay.keyCount()).isZero();
        assertThat(bed.relay.gauge(RelayGauge.CONNECTIONS)).isZero();
    }

    private static void forwardFrom(final Peer meshServer, final NodeKey src, final NodeKey dst, final byte[] packet) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[5 + 64 + packet.length]);
        ForwardPacketFlyweight.encode(b, 0, src, dst, new UnsafeBuffer(packet), 0, packet.length);
        meshServer.client.onForwardPacket(b, 5, 64 + packet.length);
    }
}
