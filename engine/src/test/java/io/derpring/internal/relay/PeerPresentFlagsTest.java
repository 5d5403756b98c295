package io.derpring.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerPresentFlyweight;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.Peer;
import io.derpring.internal.relay.RelayTestbed.RecordingSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** PeerPresent to mesh watchers carries the connection's endpoint and Go's {@code presentFlags} (SPEC §3.9). */
class PeerPresentFlagsTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 41641);

    private final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH));
    private final Peer watcher = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);

    private int flagsOfPresentFor(final ClientInfo info) {
        watcher.client.onWatchConns();
        bed.pass();
        watcher.sink.clear();
        final RecordingSink sink = new RecordingSink();
        final RelayClient<byte[]> c = bed.shards.get(0).register(sink, NodePrivateKey.generate().publicKey(), info,
            info != null && bed.relay.isMeshPeer(info), REMOTE);
        sink.client = c;
        bed.pass();
        final List<byte[]> present = watcher.sink.framesOfType(FrameType.PEER_PRESENT);
        assertThat(present).hasSize(1);
        final UnsafeBuffer frame = new UnsafeBuffer(present.get(0));
        final int payloadLength = (int) FrameHeaderFlyweight.payloadLength(frame, 0);
        assertThat(PeerPresentFlyweight.readPeer(frame, FrameHeaderFlyweight.HEADER_LENGTH)).isEqualTo(c.key());
        assertThat(PeerPresentFlyweight.readSocketAddress(frame, FrameHeaderFlyweight.HEADER_LENGTH, payloadLength))
            .isEqualTo(REMOTE);
        return PeerPresentFlyweight.flags(frame, FrameHeaderFlyweight.HEADER_LENGTH, payloadLength);
    }

    @Test
    void aProberIsPresentWithTheProberFlag() {
        assertThat(flagsOfPresentFor(new ClientInfo(null, 2, true, true, "")))
            .isEqualTo(PeerPresentFlyweight.FLAG_IS_PROBER);
    }

    @Test
    void anOrdinaryClientIsPresentAsRegular() {
        assertThat(flagsOfPresentFor(new ClientInfo(null, 2, true, false, "")))
            .isEqualTo(PeerPresentFlyweight.FLAG_IS_REGULAR);
    }

    @Test
    void aClientWithoutClientInfoIsPresentAsRegular() {
        assertThat(flagsOfPresentFor(null)).isEqualTo(PeerPresentFlyweight.FLAG_IS_REGULAR);
    }

    @Test
    void aMeshPeerIsPresentWithTheMeshFlag() {
        assertThat(flagsOfPresentFor(new ClientInfo(MESH, 2, true, false, "")))
            .isEqualTo(PeerPresentFlyweight.FLAG_IS_MESH_PEER);
    }

    @Test
    void aProbingMeshPeerCarriesBothFlags() {
        assertThat(flagsOfPresentFor(new ClientInfo(MESH, 2, true, true, "")))
            .isEqualTo(PeerPresentFlyweight.FLAG_IS_MESH_PEER | PeerPresentFlyweight.FLAG_IS_PROBER);
    }

    @Test
    void presentFramesToWatchersAreCountedAndGoneFramesAreNot() {
        watcher.client.onWatchConns();
        bed.pass();
        assertThat(bed.relay.counter(RelayCounter.PEER_PRESENT_SENT)).as("the watcher itself").isEqualTo(1);
        final Peer other = bed.connect(0);
        bed.pass();
        assertThat(bed.relay.counter(RelayCounter.PEER_PRESENT_SENT)).isEqualTo(2);
        other.client.close();
        bed.pass();
        assertThat(watcher.sink.framesOfType(FrameType.PEER_GONE)).hasSize(1);
        assertThat(bed.relay.counter(RelayCounter.PEER_PRESENT_SENT)).isEqualTo(2);
    }
}
