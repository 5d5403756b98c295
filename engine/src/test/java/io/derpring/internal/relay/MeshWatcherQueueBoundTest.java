package io.derpring.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.RelayTestbed.Peer;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

/**
 * A mesh watcher's PeerPresent/PeerGone queue is bounded ({@link RelayConfig#maxQueuedMeshFrames()}): a peer that
 * reads slowly while clients churn cannot grow it without end. One frame over the bound closes the watcher (counted),
 * because a dropped update would leave the peer's table of our keys wrong; the peer reconnects for a fresh dump.
 */
class MeshWatcherQueueBoundTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final int CAP = 4;

    private final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH).maxQueuedMeshFrames(CAP));
    private final Peer watcher = bed.connect(0, NodePrivateKey.generate().publicKey(), MESH);

    /** The watcher stops reading, then subscribes: its dump (its own key) is the first frame waiting. */
    MeshWatcherQueueBoundTest() {
        watcher.sink.writable = false;
        watcher.client.onWatchConns();
        bed.pass();
    }

    /** Connects {@code n} clients, each one PeerPresent for the watcher. */
    private void connectClients(final int n) {
        for (int i = 0; i < n; i++) {
            bed.connect(0);
        }
        bed.pass();
    }

    private long overflows() {
        return bed.relay.counter(RelayCounter.CLOSED_MESH_WATCHER_OVERFLOW);
    }

    @Test
    void belowTheBoundTheWatcherStaysOpen() {
        connectClients(CAP - 2);
        assertThat(watcher.sink.closed).isFalse();
        assertThat(overflows()).isZero();
    }

    @Test
    void atTheBoundTheWatcherStaysOpenAndGetsEveryFrame() {
        connectClients(CAP - 1);
        assertThat(watcher.sink.closed).isFalse();
        assertThat(overflows()).isZero();
        watcher.sink.setWritable(true);
        bed.pass();
        assertThat(watcher.sink.framesOfType(FrameType.PEER_PRESENT)).hasSize(CAP);
    }

    @Test
    void oneFrameAboveTheBoundClosesTheWatcherAndCountsIt() {
        connectClients(CAP);
        assertThat(watcher.sink.closed).isTrue();
        assertThat(overflows()).isEqualTo(1);
    }

    @Test
    void anOverflowedWatcherQueuesAndWritesNothingMore() {
        connectClients(CAP + 3);
        assertThat(overflows()).as("closed once, later frames ignored").isEqualTo(1);
        watcher.sink.setWritable(true);
        bed.pass();
        assertThat(watcher.sink.framesOfType(FrameType.PEER_PRESENT)).as("the queue was freed, not written").isEmpty();
    }

    @Test
    void aWatcherThatKeepsUpIsNeverClosedHoweverManyFramesPass() {
        for (int i = 0; i < 10 * CAP; i++) {
            connectClients(1);
            watcher.sink.setWritable(true);
            bed.pass();
            watcher.sink.setWritable(false);
        }
        assertThat(watcher.sink.closed).isFalse();
        assertThat(watcher.sink.framesOfType(FrameType.PEER_PRESENT)).hasSize(1 + 10 * CAP);
    }

    @Test
    void peerGoneFramesCountTowardsTheBound() {
        final Peer leaving = bed.connect(0);
        bed.pass();
        connectClients(CAP - 3);
        leaving.client.close();
        bed.pass();
        assertThat(watcher.sink.closed).as("at the bound with the PeerGone").isFalse();
        final Peer next = bed.connect(0);
        next.client.close();
        bed.pass();
        assertThat(watcher.sink.closed).isTrue();
        assertThat(overflows()).isEqualTo(1);
    }

    @Test
    void aDumpLargerThanTheBoundClosesTheWatcherOnceAndStops() {
        final RelayTestbed other = new RelayTestbed(1, RelayTestbed.config().meshKey(MESH).maxQueuedMeshFrames(CAP));
        for (int i = 0; i < 3 * CAP; i++) {
            other.connect(0);
        }
        final Peer late = other.connect(0, NodePrivateKey.generate().publicKey(), MESH);
        other.pass();
        late.sink.writable = false;
        late.client.onWatchConns();
        other.pass();
        assertThat(late.sink.closed).isTrue();
        assertThat(other.relay.counter(RelayCounter.CLOSED_MESH_WATCHER_OVERFLOW)).isEqualTo(1);
    }

    @Test
    void theBoundHasARange() {
        assertThat(RelayConfig.defaults().maxQueuedMeshFrames()).isEqualTo(RelayConfig.DEFAULT_MAX_QUEUED_MESH_FRAMES);
        assertThat(RelayConfig.DEFAULT_MAX_QUEUED_MESH_FRAMES).as("a full dump of the keys a peer accepts fits")
            .isGreaterThan(RelayConfig.DEFAULT_MAX_KEYS_PER_MESH_PEER);
        assertThat(RelayConfig.builder().maxQueuedMeshFrames(RelayConfig.MIN_MAX_QUEUED_MESH_FRAMES).build()
            .maxQueuedMeshFrames()).isEqualTo(RelayConfig.MIN_MAX_QUEUED_MESH_FRAMES);
        assertThatThrownBy(() -> RelayConfig.builder().maxQueuedMeshFrames(RelayConfig.MIN_MAX_QUEUED_MESH_FRAMES - 1)
            .build()).isInstanceOf(InvalidConfigException.class).hasMessageContaining("maxQueuedMeshFrames");
        assertThat(RelayConfig.builder().maxQueuedMeshFrames(RelayConfig.MAX_MAX_QUEUED_MESH_FRAMES).build()
            .maxQueuedMeshFrames()).isEqualTo(RelayConfig.MAX_MAX_QUEUED_MESH_FRAMES);
        assertThatThrownBy(() -> RelayConfig.builder().maxQueuedMeshFrames(RelayConfig.MAX_MAX_QUEUED_MESH_FRAMES + 1)
            .build()).isInstanceOf(InvalidConfigException.class).hasMessageContaining("maxQueuedMeshFrames");
    }
}
