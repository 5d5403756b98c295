package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.RelayTestbed.Peer;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

/**
 * A shard's command queue is bounded ({@link RelayConfig#shardCommandCapacity()}): a loop that stops draining cannot
 * grow it without end. What a refused command means depends on the command: a PeerGone notice is dropped and
 * counted; a mesh watcher's update closes the watcher (a lost update would leave the peer's key table wrong).
 */
class ShardCommandBoundTest {
    private static final MeshKey MESH = MeshKey.parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static final int CAP = 4;

    private final RelayTestbed bed = new RelayTestbed(2, RelayTestbed.config().meshKey(MESH).shardCommandCapacity(CAP));
    private final RelayShard<byte[]> far = bed.shards.get(1);
    private final AtomicInteger ran = new AtomicInteger();

    private boolean post() {
        return far.submit(ran::incrementAndGet);
    }

    private void fill() {
        for (int i = 0; i < CAP; i++) {
            assertThat(post()).isTrue();
        }
    }

    private long refused() {
        return bed.relay.counter(RelayCounter.SHARD_COMMANDS_REFUSED);
    }

    @Test
    void belowAndAtTheBoundEveryCommandIsQueuedAndRuns() {
        fill();
        assertThat(refused()).isZero();
        assertThat(far.runPass()).isEqualTo(CAP);
        assertThat(ran).hasValue(CAP);
    }

    @Test
    void aboveTheBoundACommandIsRefusedAndCounted() {
        fill();
        assertThat(post()).isFalse();
        assertThat(refused()).isEqualTo(1);
        far.runPass();
        assertThat(ran).as("the refused command never runs").hasValue(CAP);
    }

    @Test
    void aPassMakesRoomAgain() {
        fill();
        far.runPass();
        fill();
        assertThat(refused()).isZero();
    }

    @Test
    void aRefusedPeerGoneNoticeIsDroppedAndCounted() {
        final Peer leaving = bed.connect(0);
        final Peer receiver = bed.connect(1);
        leaving.send(receiver, dataPacket(10, 1));
        bed.pass();
        fill();
        leaving.client.close();
        assertThat(refused()).isEqualTo(1);
        bed.pass();
        assertThat(receiver.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
        assertThat(receiver.sink.received()).as("packets were never at stake").hasSize(1);
    }

    @Test
    void aRefusedWatcherUpdateClosesTheWatcherAtTheNextTimerTick() {
        final Peer watcher = bed.connect(1, NodePrivateKey.generate().publicKey(), MESH);
        watcher.client.onWatchConns();
        bed.pass();
        fill();
        bed.connect(0);
        assertThat(refused()).isEqualTo(1);
        bed.pass();
        assertThat(watcher.sink.closed).as("closed by the shard's thread, not the poster's").isFalse();
        bed.timers();
        assertThat(watcher.sink.closed).isTrue();
        assertThat(bed.relay.counter(RelayCounter.CLOSED_MESH_WATCHER_OVERFLOW)).isEqualTo(1);
    }

    @Test
    void theNextUpdateAfterARefusedOneClosesTheWatcherAtOnce() {
        final Peer watcher = bed.connect(1, NodePrivateKey.generate().publicKey(), MESH);
        watcher.client.onWatchConns();
        bed.pass();
        watcher.sink.clear();
        fill();
        bed.connect(0);
        bed.pass();
        bed.connect(0);
        bed.pass();
        assertThat(watcher.sink.closed).isTrue();
        assertThat(watcher.sink.framesOfType(FrameType.PEER_PRESENT)).as("no update after the lost one").isEmpty();
        assertThat(bed.relay.counter(RelayCounter.CLOSED_MESH_WATCHER_OVERFLOW)).isEqualTo(1);
    }

    @Test
    void theBoundHasARange() {
        assertThat(RelayConfig.defaults().shardCommandCapacity()).isEqualTo(RelayConfig.DEFAULT_SHARD_COMMAND_CAPACITY);
        assertThat(RelayConfig.builder().shardCommandCapacity(RelayConfig.MIN_SHARD_COMMAND_CAPACITY).build()
            .shardCommandCapacity()).isEqualTo(RelayConfig.MIN_SHARD_COMMAND_CAPACITY);
        assertThatThrownBy(() -> RelayConfig.builder()
            .shardCommandCapacity(RelayConfig.MIN_SHARD_COMMAND_CAPACITY - 1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("shardCommandCapacity");
        assertThat(RelayConfig.builder().shardCommandCapacity(RelayConfig.MAX_SHARD_COMMAND_CAPACITY).build()
            .shardCommandCapacity()).isEqualTo(RelayConfig.MAX_SHARD_COMMAND_CAPACITY);
        assertThatThrownBy(() -> RelayConfig.builder()
            .shardCommandCapacity(RelayConfig.MAX_SHARD_COMMAND_CAPACITY + 1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("shardCommandCapacity");
    }
}
