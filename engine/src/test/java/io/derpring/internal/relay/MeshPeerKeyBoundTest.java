package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.RelayTestbed.Peer;
import io.derpring.internal.relay.RelayTestbed.RecordingSink;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

/**
 * A mesh peer's key table is bounded ({@link RelayConfig#maxKeysPerMeshPeer()}): a peer flooding PeerPresent for
 * made-up keys cannot grow the forwarding table without end. Refused keys are counted, and packets for them are
 * dropped as an unknown destination, never forwarded.
 */
class MeshPeerKeyBoundTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final int CAP = 4;

    private final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH).maxKeysPerMeshPeer(CAP));
    private final MeshPeer<byte[]> peer = bed.relay.addMeshPeer("b");
    private final RecordingSink linkSink = new RecordingSink();

    MeshPeerKeyBoundTest() {
        linkSink.memory = bed.memory;
        final RelayClient<byte[]> link = bed.shards.get(0).registerMeshLink(linkSink,
            NodePrivateKey.generate().publicKey(), peer);
        linkSink.client = link;
        peer.linkUp(link);
    }

    private static NodeKey newKey() {
        return NodePrivateKey.generate().publicKey();
    }

    private NodeKey present() {
        final NodeKey k = newKey();
        peer.onPeerPresent(RelayKey.of(k));
        return k;
    }

    @Test
    void keysBelowAndAtTheCapAreLearnt() {
        for (int i = 0; i < CAP - 1; i++) {
            present();
        }
        assertThat(peer.keyCount()).isEqualTo(CAP - 1);
        final NodeKey last = present();
        assertThat(peer.keyCount()).isEqualTo(CAP);
        assertThat(bed.relay.isOnMeshPeer(last)).isTrue();
        assertThat(peer.keysRefused()).isZero();
    }

    @Test
    void aNewKeyAboveTheCapIsRefusedCountedAndNotAForwarder() {
        for (int i = 0; i < CAP; i++) {
            present();
        }
        final NodeKey refused = present();
        assertThat(peer.keyCount()).isEqualTo(CAP);
        assertThat(peer.keysRefused()).isEqualTo(1);
        assertThat(bed.relay.isOnMeshPeer(refused)).isFalse();
    }

    @Test
    void aPacketForARefusedKeyIsDroppedAsUnknownDestinationNotForwarded() {
        for (int i = 0; i < CAP; i++) {
            present();
        }
        final NodeKey refused = present();
        final Peer a = bed.connect(0);
        a.send(refused, dataPacket(100, 1));
        bed.pass();
        assertThat(linkSink.framesOfType(FrameType.FORWARD_PACKET)).isEmpty();
        assertThat(bed.relay.drops(DropReason.UNKNOWN_DEST)).isEqualTo(1);
    }

    @Test
    void aKeyAlreadyKnownAtTheCapIsNotRefused() {
        NodeKey known = null;
        for (int i = 0; i < CAP; i++) {
            known = present();
        }
        peer.onPeerPresent(RelayKey.of(known));
        assertThat(peer.keysRefused()).as("a repeated PeerPresent (duplicate connection) takes no new slot").isZero();
        assertThat(peer.keyCount()).isEqualTo(CAP);
    }

    @Test
    void aPeerGoneFreesASlotForTheNextKey() {
        NodeKey leaving = null;
        for (int i = 0; i < CAP; i++) {
            leaving = present();
        }
        peer.onPeerGone(RelayKey.of(leaving));
        final NodeKey next = present();
        assertThat(bed.relay.isOnMeshPeer(next)).isTrue();
        assertThat(peer.keysRefused()).isZero();
    }

    @Test
    void theCapIsPerPeer() {
        for (int i = 0; i < CAP; i++) {
            present();
        }
        final MeshPeer<byte[]> other = bed.relay.addMeshPeer("c");
        final NodeKey k = newKey();
        other.onPeerPresent(RelayKey.of(k));
        assertThat(bed.relay.isOnMeshPeer(k)).isTrue();
        assertThat(other.keysRefused()).isZero();
    }

    @Test
    void theCapHasARange() {
        assertThat(RelayConfig.defaults().maxKeysPerMeshPeer()).isEqualTo(RelayConfig.DEFAULT_MAX_KEYS_PER_MESH_PEER);
        assertThat(RelayConfig.builder().maxKeysPerMeshPeer(RelayConfig.MIN_MAX_KEYS_PER_MESH_PEER).build()
            .maxKeysPerMeshPeer()).isEqualTo(1);
        assertThatThrownBy(() -> RelayConfig.builder().maxKeysPerMeshPeer(RelayConfig.MIN_MAX_KEYS_PER_MESH_PEER - 1)
            .build()).isInstanceOf(InvalidConfigException.class).hasMessageContaining("maxKeysPerMeshPeer");
        assertThat(RelayConfig.builder().maxKeysPerMeshPeer(RelayConfig.MAX_MAX_KEYS_PER_MESH_PEER).build()
            .maxKeysPerMeshPeer()).isEqualTo(RelayConfig.MAX_MAX_KEYS_PER_MESH_PEER);
        assertThatThrownBy(() -> RelayConfig.builder().maxKeysPerMeshPeer(RelayConfig.MAX_MAX_KEYS_PER_MESH_PEER + 1)
            .build()).isInstanceOf(InvalidConfigException.class).hasMessageContaining("maxKeysPerMeshPeer");
    }
}
