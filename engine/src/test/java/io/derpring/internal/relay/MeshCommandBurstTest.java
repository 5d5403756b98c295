package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.frame.ForwardPacketFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.RelayTestbed.Peer;
import io.derpring.internal.relay.RelayTestbed.RecordingSink;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Mesh events that touch many keys at once put O(shards) entries on the shards' command queues, not one per key: a
 * broken link forgetting its peer's whole key table posts one batch per shard, and a WatchConns dump is queued on the
 * watcher directly. {@link RelayShard#runPass()} returns the work it did, commands included, which is what is counted.
 */
class MeshCommandBurstTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final int KEYS = 1000;

    private final RelayTestbed bed = new RelayTestbed(2, RelayTestbed.config().meshKey(MESH));

    private List<NodeKey> teach(final MeshPeer<byte[]> peer, final int n) {
        final List<NodeKey> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final NodeKey k = NodePrivateKey.generate().publicKey();
            peer.onPeerPresent(RelayKey.of(k));
            keys.add(k);
        }
        return keys;
    }

    private RelayClient<byte[]> linkUp(final MeshPeer<byte[]> peer) {
        final RecordingSink sink = new RecordingSink();
        sink.memory = bed.memory;
        final RelayClient<byte[]> link = bed.shards.get(0).registerMeshLink(sink,
            NodePrivateKey.generate().publicKey(), peer);
        sink.client = link;
        peer.linkUp(link);
        return link;
    }

    @Test
    void aBrokenLinkForgetsAllItsKeysWithOneCommandPerShard() {
        final MeshPeer<byte[]> peer = bed.relay.addMeshPeer("b");
        final RelayClient<byte[]> link = linkUp(peer);
        final List<NodeKey> keys = teach(peer, KEYS);
        bed.pass();
        peer.linkDown(link);
        for (final RelayShard<byte[]> shard : bed.shards) {
            assertThat(shard.runPass()).as("commands run on shard %d", shard.index()).isEqualTo(1);
        }
        for (final NodeKey k : keys) {
            assertThat(bed.relay.isOnMeshPeer(k)).isFalse();
        }
    }

    @Test
    void aBatchStillTellsEveryReceiverOfEveryForgottenKey() {
        final MeshPeer<byte[]> peer = bed.relay.addMeshPeer("b");
        final RelayClient<byte[]> link = linkUp(peer);
        final List<NodeKey> keys = teach(peer, 3);
        final Peer mesh = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        final Peer near = bed.connect(0);
        final Peer far = bed.connect(1);
        for (final NodeKey src : keys) {
            forward(mesh, src, near.key());
            forward(mesh, src, far.key());
        }
        bed.pass();
        peer.linkDown(link);
        bed.pass();
        assertThat(near.sink.framesOfType(FrameType.PEER_GONE)).hasSize(3);
        assertThat(far.sink.framesOfType(FrameType.PEER_GONE)).hasSize(3);
    }

    @Test
    void aKeyBackOnAnotherPeerBeforeTheBatchRunsIsNotReportedGone() {
        final MeshPeer<byte[]> peer = bed.relay.addMeshPeer("b");
        final RelayClient<byte[]> link = linkUp(peer);
        final NodeKey moved = teach(peer, 1).get(0);
        final Peer mesh = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        final Peer receiver = bed.connect(1);
        forward(mesh, moved, receiver.key());
        bed.pass();
        peer.linkDown(link);
        bed.relay.addMeshPeer("c").onPeerPresent(RelayKey.of(moved));
        bed.pass();
        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
    }

    @Test
    void aWatchersDumpIsQueuedAtOnceNotPostedAsACommandPerKey() {
        for (int i = 0; i < KEYS; i++) {
            bed.connect(i % 2);
        }
        final Peer watcher = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        bed.pass();
        watcher.sink.writable = false;
        watcher.client.onWatchConns();
        for (final RelayShard<byte[]> shard : bed.shards) {
            assertThat(shard.runPass()).as("commands run on shard %d", shard.index()).isZero();
        }
        watcher.sink.setWritable(true);
        bed.pass();
        assertThat(watcher.sink.framesOfType(FrameType.PEER_PRESENT)).hasSize(KEYS + 1);
    }

    @Test
    void aKeyThatLeavesAfterTheDumpIsPresentThenGone() {
        final Peer leaving = bed.connect(1);
        final Peer watcher = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        bed.pass();
        watcher.client.onWatchConns();
        leaving.client.close();
        bed.pass();
        final List<Integer> types = new ArrayList<>();
        for (final byte[] f : watcher.sink.frames) {
            if (keyOf(f).equals(leaving.key())) {
                types.add(f[0] & 0xff);
            }
        }
        assertThat(types).containsExactly(FrameType.PEER_PRESENT, FrameType.PEER_GONE);
    }

    private void forward(final Peer mesh, final NodeKey src, final NodeKey dst) {
        final byte[] packet = dataPacket(10, 1);
        final UnsafeBuffer f = new UnsafeBuffer(new byte[5 + 64 + packet.length]);
        ForwardPacketFlyweight.encode(f, 0, src, dst, new UnsafeBuffer(packet), 0, packet.length);
        mesh.client.onForwardPacket(f, 5, 64 + packet.length);
    }

    /** The key a PeerPresent or PeerGone frame is about: both carry it first in the payload. */
    private static NodeKey keyOf(final byte[] frame) {
        return NodeKey.read(new UnsafeBuffer(frame), 5);
    }
}
