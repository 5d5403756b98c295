package io.derpring.internal.relay;

import io.derpring.relay.DuplicatePolicy;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static io.derpring.internal.relay.RelayTestbed.discoPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ForwardPacketFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC §3.9: a ForwardPacket from a mesh peer follows the same delivery and drop rules as a local SendPacket. */
class MeshForwardTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    private final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH));
    private final Peer mesh = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
    private final NodeKey remoteSource = NodePrivateKey.generate().publicKey();

    private void forward(final NodeKey dst, final byte[] packet) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[5 + 64 + packet.length]);
        ForwardPacketFlyweight.encode(b, 0, remoteSource, dst, new UnsafeBuffer(packet), 0, packet.length);
        mesh.client.onForwardPacket(b, 5, 64 + packet.length);
    }

    @Test
    void aForwardedDiscoPacketToAnUnknownKeyGetsPeerGoneNotHere() {
        final NodeKey absent = NodePrivateKey.generate().publicKey();
        forward(absent, discoPacket(100, 1));
        bed.pass();
        assertThat(mesh.sink.framesOfType(FrameType.PEER_GONE)).singleElement().satisfies(f -> {
            final UnsafeBuffer b = new UnsafeBuffer(f);
            assertThat(PeerGoneFlyweight.readPeer(b, 5)).isEqualTo(absent);
            assertThat(PeerGoneFlyweight.reason(b, 5, 33)).isEqualTo(PeerGoneFlyweight.REASON_NOT_HERE);
        });
        assertThat(bed.relay.counter(RelayCounter.PEER_GONE_NOT_HERE_SENT)).isEqualTo(1);
    }

    @Test
    void aForwardedDataPacketToAnUnknownKeyIsDroppedWithoutPeerGone() {
        forward(NodePrivateKey.generate().publicKey(), dataPacket(100, 1));
        bed.pass();
        assertThat(bed.relay.drops(RelayDrop.UNKNOWN_DEST_ON_FWD_OTHER)).isEqualTo(1);
        assertThat(mesh.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
    }

    @Test
    void forwardedPacketsAreCountedAsReceived() {
        final Peer b = bed.connect(0);
        forward(b.key(), dataPacket(100, 1));
        forward(b.key(), dataPacket(100, 2));
        forward(b.key(), discoPacket(80, 3));
        bed.pass();
        assertThat(bed.relay.counter(RelayCounter.PACKETS_RECEIVED)).isEqualTo(3);
        assertThat(bed.relay.counter(RelayCounter.PACKETS_RECEIVED_DISCO)).isEqualTo(1);
        assertThat(bed.relay.counter(RelayCounter.BYTES_RECEIVED)).isEqualTo(280);
        assertThat(b.sink.received()).hasSize(3);
    }

    @Test
    void aForwardedPacketToAKeyWithFightingDuplicatesIsDroppedAsDupClientWithoutPeerGone() {
        final RelayTestbed fighters = new RelayTestbed(1,
            RelayTestbed.config().meshKey(MESH).duplicatePolicy(DuplicatePolicy.DISABLE_FIGHTERS));
        final Peer meshPeer = fighters.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        final NodeKey shared = NodePrivateKey.generate().publicKey();
        final Peer first = fighters.connect(0, shared);
        final Peer second = fighters.connect(0, shared);
        final Peer other = fighters.connect(0);
        first.send(other, dataPacket(5, 1));
        second.send(other, dataPacket(5, 2));
        first.send(other, dataPacket(5, 3)); // taking turns: both disabled, none active
        fighters.pass();
        assertThat(first.client.isDisabled()).isTrue();

        final byte[] packet = discoPacket(100, 1);
        final UnsafeBuffer f = new UnsafeBuffer(new byte[5 + 64 + packet.length]);
        ForwardPacketFlyweight.encode(f, 0, remoteSource, shared, new UnsafeBuffer(packet), 0, packet.length);
        meshPeer.client.onForwardPacket(f, 5, 64 + packet.length);
        fighters.pass();

        assertThat(fighters.relay.drops(RelayDrop.DUP_CLIENT_DISCO)).isEqualTo(1);
        assertThat(meshPeer.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
    }

    @Test
    void aForwardedPacketWithoutFrameMemoryIsDroppedAsNoMemory() {
        final Peer b = bed.connect(0);
        bed.memory.exhausted = true;
        forward(b.key(), dataPacket(100, 1));
        bed.pass();
        assertThat(bed.relay.drops(RelayDrop.NO_MEMORY_OTHER)).isEqualTo(1);
        assertThat(b.sink.received()).isEmpty();
    }

    @Test
    void onlyAClientThatPresentedTheMeshKeyIsAMeshPeer() {
        assertThat(mesh.client.isMeshPeer()).isTrue();
        assertThat(bed.connect(0).client.isMeshPeer()).isFalse();
        assertThat(mesh.client.toString()).contains("mesh");
    }

    @Test
    @DisplayName("Go addWatcher: a mesh connection from this server's own key is not made a watcher")
    void theServerWatchingItselfIsIgnored() {
        final NodeKey serverKey = NodePrivateKey.generate().publicKey();
        final Relay<byte[]> relay = new Relay<>(RelayConfig.builder().meshKey(MESH).build(), bed.memory, serverKey);
        final RelayShard<byte[]> shard = relay.addShard(new RelayTestbed.CountingScheduler());
        final ClientInfo info = new ClientInfo(MESH, 2, true, false, "");
        final RelayTestbed.RecordingSink self = new RelayTestbed.RecordingSink();
        final RelayClient<byte[]> itself = shard.register(self, serverKey, info, true, null);
        final RelayTestbed.RecordingSink peerSink = new RelayTestbed.RecordingSink();
        final RelayClient<byte[]> peer = shard.register(peerSink, NodePrivateKey.generate().publicKey(), info, true,
            null);

        itself.onWatchConns();
        peer.onWatchConns();
        shard.runPass();

        assertThat(self.framesOfType(FrameType.PEER_PRESENT)).isEmpty();
        assertThat(peerSink.framesOfType(FrameType.PEER_PRESENT)).hasSize(2);
    }
}
