package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static io.derpring.internal.relay.RelayTestbed.discoPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ForwardPacketFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerPresentFlyweight;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC §3.8 admission and the mesh-only frames of §3.9. */
class MeshTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final MeshKey OTHER = MeshKey.parse("ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final MeshKey ZERO = MeshKey.parse("0".repeat(64));

    private static ClientInfo withMesh(final MeshKey k) {
        return new ClientInfo(k, 2, true, false, "");
    }

    @Test
    @DisplayName("B31 admission: a ClientInfo with the server's mesh key is a mesh peer")
    void correctMeshKeyAdmitsAMeshPeer() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH));
        assertThat(bed.relay.isMeshPeer(withMesh(MeshKey.parse(MESH.toHexText())))).isTrue();
    }

    @Test
    @DisplayName("B31 admission: a wrong key, no key, or a server without a mesh key gives no mesh privileges")
    void otherwiseNoMeshPeer() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH));
        assertThat(bed.relay.isMeshPeer(withMesh(OTHER))).isFalse();
        assertThat(bed.relay.isMeshPeer(withMesh(null))).isFalse();
        final RelayTestbed noMesh = new RelayTestbed(1);
        assertThat(noMesh.relay.isMeshPeer(withMesh(MESH))).isFalse();
    }

    @Test
    @DisplayName("B31 admission: the zero mesh key never matches, even a server configured with zeros")
    void zeroMeshKeyNeverMatches() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(ZERO));
        assertThat(bed.relay.isMeshPeer(withMesh(ZERO))).isFalse();
        assertThat(Relay.meshKeyMatches(MESH, ZERO)).isFalse();
    }

    private static UnsafeBuffer forwardPayload(final NodeKey src, final NodeKey dst, final byte[] packet) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[5 + 64 + packet.length]);
        ForwardPacketFlyweight.encode(b, 0, src, dst, new UnsafeBuffer(packet), 0, packet.length);
        return b;
    }

    @Test
    void forwardPacketFromAMeshPeerIsDeliveredLocallyWithItsSourceKey() {
        final RelayTestbed bed = new RelayTestbed(2, RelayTestbed.config().meshKey(MESH));
        final Peer mesh = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        final Peer b = bed.connect(1);
        final NodeKey remoteSrc = NodePrivateKey.generate().publicKey();
        final byte[] packet = dataPacket(300, 9);
        final UnsafeBuffer f = forwardPayload(remoteSrc, b.key(), packet);
        mesh.client.onForwardPacket(f, 5, 64 + packet.length);
        bed.pass();
        assertThat(b.sink.received()).singleElement().satisfies(r -> {
            assertThat(r.source()).isEqualTo(remoteSrc);
            assertThat(r.packet()).isEqualTo(packet);
        });
    }

    @Test
    void forwardPacketToAnAbsentKeyIsUnknownDestOnFwd() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH));
        final Peer mesh = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        final byte[] packet = discoPacket(100, 1);
        final UnsafeBuffer f = forwardPayload(NodePrivateKey.generate().publicKey(), NodePrivateKey.generate().publicKey(), packet);
        mesh.client.onForwardPacket(f, 5, 64 + packet.length);
        bed.pass();
        assertThat(bed.relay.drops(RelayDrop.UNKNOWN_DEST_ON_FWD_DISCO)).isEqualTo(1);
        assertThat(mesh.sink.framesOfType(FrameType.PEER_GONE)).hasSize(1);
    }

    @Test
    void forwardPacketFromANonMeshClientIsIgnored() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH));
        final Peer notMesh = bed.connect(0);
        final Peer b = bed.connect(0);
        final byte[] packet = dataPacket(10, 1);
        notMesh.client.onForwardPacket(forwardPayload(notMesh.key(), b.key(), packet), 5, 64 + packet.length);
        bed.pass();
        assertThat(b.sink.frames).isEmpty();
    }

    @Test
    void closePeerFromAMeshPeerClosesEveryConnectionOfTheKey() {
        final RelayTestbed bed = new RelayTestbed(2, RelayTestbed.config().meshKey(MESH));
        final Peer mesh = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        final NodeKey victim = NodePrivateKey.generate().publicKey();
        final Peer v1 = bed.connect(0, victim);
        final Peer v2 = bed.connect(1, victim);
        final Peer bystander = bed.connect(1);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[32]);
        victim.writeTo(key, 0);
        mesh.client.onClosePeer(key, 0);
        bed.pass();
        assertThat(v1.sink.closed).isTrue();
        assertThat(v2.sink.closed).isTrue();
        assertThat(bystander.sink.closed).isFalse();
        assertThat(bed.relay.counter(RelayCounter.CLOSED_BY_CLOSE_PEER)).isEqualTo(2);
    }

    @Test
    void closePeerFromANonMeshClientDoesNothing() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer notMesh = bed.connect(0);
        final Peer v = bed.connect(0);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[32]);
        v.key().writeTo(key, 0);
        notMesh.client.onClosePeer(key, 0);
        bed.pass();
        assertThat(v.sink.closed).isFalse();
    }

    @Test
    void watchConnsGetsPeerPresentForConnectedKeysThenLiveUpdates() {
        final RelayTestbed bed = new RelayTestbed(2, RelayTestbed.config().meshKey(MESH));
        final Peer a = bed.connect(1);
        final Peer mesh = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        mesh.client.onWatchConns();
        bed.pass();
        assertThat(mesh.sink.framesOfType(FrameType.PEER_PRESENT)).extracting(f -> PeerPresentFlyweight.readPeer(new UnsafeBuffer(f), 5))
            .contains(a.key(), mesh.key());
        mesh.sink.clear();
        final Peer b = bed.connect(1);
        bed.pass();
        assertThat(mesh.sink.framesOfType(FrameType.PEER_PRESENT)).extracting(f -> PeerPresentFlyweight.readPeer(new UnsafeBuffer(f), 5))
            .containsExactly(b.key());
        b.client.close();
        bed.pass();
        assertThat(mesh.sink.framesOfType(FrameType.PEER_GONE)).hasSize(1);
        a.send(b.key(), dataPacket(5, 1));
        assertThat(bed.relay.counter(RelayCounter.WATCH_CONNS)).isEqualTo(1);
    }
}
