package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.frame.ForwardPacketFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.RelayTestbed.Peer;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.runtime.InvalidConfigException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The sources a client remembers for PeerGone (SPEC §3.4) are bounded ({@link RelayConfig#maxSourcesPerReceiver()}):
 * a mesh peer forwarding from ever new source keys cannot grow them without end. A source over the bound is still
 * delivered and counted; the only loss is its PeerGone to that client. Local and forwarded sources share the bound.
 */
class ReceiverSourceBoundTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final int CAP = 3;

    private final RelayTestbed bed = new RelayTestbed(2,
        RelayTestbed.config().meshKey(MESH).maxSourcesPerReceiver(CAP));
    private final Peer receiver = bed.connect(0);

    /** {@code n} local senders (on the other shard too), each one packet to the receiver. */
    private List<Peer> sendFrom(final int n) {
        final List<Peer> senders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final Peer s = bed.connect(i % 2);
            s.send(receiver, dataPacket(10, i));
            senders.add(s);
        }
        bed.pass();
        return senders;
    }

    private long refused() {
        return bed.relay.counter(RelayCounter.PEER_GONE_SOURCES_REFUSED);
    }

    private int peerGones() {
        return receiver.sink.framesOfType(FrameType.PEER_GONE).size();
    }

    private void leave(final Peer p) {
        p.client.close();
        bed.pass();
    }

    @Test
    void sourcesBelowAndAtTheBoundAreAllRemembered() {
        final List<Peer> senders = sendFrom(CAP);
        assertThat(refused()).isZero();
        for (final Peer s : senders) {
            leave(s);
        }
        assertThat(peerGones()).isEqualTo(CAP);
    }

    @Test
    void aSourceAboveTheBoundIsDeliveredAndCountedButGetsNoPeerGone() {
        final List<Peer> senders = sendFrom(CAP + 1);
        assertThat(receiver.sink.received()).hasSize(CAP + 1);
        assertThat(refused()).isEqualTo(1);
        leave(senders.get(CAP));
        assertThat(peerGones()).as("not remembered").isZero();
        leave(senders.get(0));
        assertThat(peerGones()).isEqualTo(1);
    }

    @Test
    void aRememberedSourceSendingAgainAtTheBoundIsNotRefused() {
        final List<Peer> senders = sendFrom(CAP);
        senders.get(1).send(receiver, dataPacket(10, 99));
        bed.pass();
        assertThat(refused()).isZero();
    }

    @Test
    void aSourceThatLeftFreesItsSlot() {
        final List<Peer> senders = sendFrom(CAP);
        leave(senders.get(0));
        final Peer next = sendFrom(1).get(0);
        assertThat(refused()).isZero();
        leave(next);
        assertThat(peerGones()).isEqualTo(2);
    }

    @Test
    void forwardedSourcesShareTheBoundWithLocalOnes() {
        sendFrom(CAP - 1);
        final Peer mesh = bed.connect(1, NodePrivateKey.generate().publicKey(), MESH);
        forward(mesh, NodePrivateKey.generate().publicKey());
        assertThat(refused()).isZero();
        forward(mesh, NodePrivateKey.generate().publicKey());
        assertThat(refused()).isEqualTo(1);
        assertThat(receiver.sink.received()).hasSize(CAP + 1);
    }

    @Test
    void aMeshPeerForwardingFromEverNewSourcesIsRefusedPastTheBound() {
        final Peer mesh = bed.connect(1, NodePrivateKey.generate().publicKey(), MESH);
        final int sources = 10 * CAP;
        for (int i = 0; i < sources; i++) {
            forward(mesh, NodePrivateKey.generate().publicKey());
        }
        assertThat(refused()).isEqualTo(sources - CAP);
        assertThat(receiver.sink.received()).hasSize(sources);
    }

    private void forward(final Peer mesh, final NodeKey src) {
        final byte[] packet = dataPacket(10, 1);
        final UnsafeBuffer f = new UnsafeBuffer(new byte[5 + 64 + packet.length]);
        ForwardPacketFlyweight.encode(f, 0, src, receiver.key(), new UnsafeBuffer(packet), 0, packet.length);
        mesh.client.onForwardPacket(f, 5, 64 + packet.length);
        bed.pass();
    }

    @Test
    void theBoundHasARange() {
        assertThat(RelayConfig.defaults().maxSourcesPerReceiver()).isEqualTo(RelayConfig.DEFAULT_MAX_SOURCES_PER_RECEIVER);
        assertThat(RelayConfig.builder().maxSourcesPerReceiver(RelayConfig.MIN_MAX_SOURCES_PER_RECEIVER).build()
            .maxSourcesPerReceiver()).isEqualTo(RelayConfig.MIN_MAX_SOURCES_PER_RECEIVER);
        assertThatThrownBy(() -> RelayConfig.builder()
            .maxSourcesPerReceiver(RelayConfig.MIN_MAX_SOURCES_PER_RECEIVER - 1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("maxSourcesPerReceiver");
        assertThat(RelayConfig.builder().maxSourcesPerReceiver(RelayConfig.MAX_MAX_SOURCES_PER_RECEIVER).build()
            .maxSourcesPerReceiver()).isEqualTo(RelayConfig.MAX_MAX_SOURCES_PER_RECEIVER);
        assertThatThrownBy(() -> RelayConfig.builder()
            .maxSourcesPerReceiver(RelayConfig.MAX_MAX_SOURCES_PER_RECEIVER + 1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("maxSourcesPerReceiver");
    }
}
