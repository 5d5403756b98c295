package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static io.derpring.internal.relay.RelayTestbed.discoPacket;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two bounded per-client queues (SPEC §3.1, §3.2 sendPkt). */
class QueueTest {

    @Test
    @DisplayName("B18: a queue holds 32; on overflow the oldest is dropped (queue_head) and the reader never blocks")
    void overflowDropsTheOldest() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        for (int i = 0; i < 40; i++) {
            a.send(b, dataPacket(20, i));
        }
        bed.pass();
        assertThat(b.client.queuedData()).isEqualTo(RelayConfig.DEFAULT_QUEUE_DEPTH);
        assertThat(bed.relay.drops(RelayDrop.QUEUE_HEAD_OTHER)).isEqualTo(8);
        assertThat(bed.relay.drops(DropReason.QUEUE_TAIL)).as("one writer per queue: the head drop always makes room").isZero();
        assertThat(bed.relay.gauge(RelayGauge.QUEUED_DATA_PACKETS)).isEqualTo(32);
        b.sink.setWritable(true);
        bed.pass();
        final List<RelayTestbed.Recv> got = b.sink.received();
        assertThat(got).hasSize(32);
        assertThat(got.get(0).packet()[0]).as("the 8 oldest were dropped").isEqualTo((byte) 8);
        assertThat(got.get(31).packet()[0]).isEqualTo((byte) 39);
        assertThat(bed.relay.gauge(RelayGauge.QUEUED_DATA_PACKETS)).isZero();
        assertThat(bed.relay.gauge(RelayGauge.QUEUED_BYTES)).isZero();
        assertThat(bed.memory.outstanding).hasValue(0);
    }

    @ParameterizedTest(name = "queueDepth {0}, 8 packets")
    @ValueSource(ints = {7, 8, 9})
    @DisplayName("B18: the queue depth is a setting: at, below and above the number queued")
    void queueDepthSetting(final int depth) {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().queueDepth(depth));
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        for (int i = 0; i < 8; i++) {
            a.send(b, dataPacket(20, i));
        }
        assertThat(b.client.queuedData()).isEqualTo(Math.min(depth, 8));
        assertThat(bed.relay.drops(RelayDrop.QUEUE_HEAD_OTHER)).isEqualTo(Math.max(0, 8 - depth));
    }

    @Test
    @DisplayName("B19: disco packets have their own queue: a data flood to a slow receiver neither drops nor delays them")
    void discoHasItsOwnQueue() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        for (int i = 0; i < 100; i++) {
            a.send(b, dataPacket(1000, i));
        }
        a.send(b, discoPacket(100, 1));
        assertThat(b.client.queuedDisco()).isEqualTo(1);
        assertThat(bed.relay.drops(RelayDrop.QUEUE_HEAD_OTHER)).isEqualTo(68);
        assertThat(bed.relay.drops(RelayDrop.QUEUE_HEAD_DISCO)).isZero();
        b.sink.setWritable(true);
        bed.pass();
        final List<RelayTestbed.Recv> got = b.sink.received();
        assertThat(got.get(0).packet()).as("disco first").hasSize(100);
        assertThat(got).hasSize(33);
    }

    @Test
    void discoQueueOverflowIsCountedAsDisco() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        for (int i = 0; i < 33; i++) {
            a.send(b, discoPacket(100, i));
        }
        assertThat(bed.relay.drops(RelayDrop.QUEUE_HEAD_DISCO)).isEqualTo(1);
    }

    @Test
    void writingStopsWhenTheSinkTurnsUnwritableAndResumesWhenWritable() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.writesUntilUnwritable = 5;
        for (int i = 0; i < 10; i++) {
            a.send(b, dataPacket(20, i));
        }
        bed.pass();
        assertThat(b.sink.received()).hasSize(5);
        assertThat(b.client.queuedData()).isEqualTo(5);
        b.sink.setWritable(true);
        bed.pass();
        assertThat(b.sink.received()).hasSize(10);
    }

    @Test
    void queuedPacketsOfAClosingClientAreDroppedAsGoneDisconnected() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        a.send(b, dataPacket(20, 1));
        a.send(b, discoPacket(100, 2));
        b.client.close();
        assertThat(bed.relay.drops(RelayDrop.GONE_DISCONNECTED_OTHER)).isEqualTo(1);
        assertThat(bed.relay.drops(RelayDrop.GONE_DISCONNECTED_DISCO)).isEqualTo(1);
        assertThat(bed.memory.outstanding).hasValue(0);
    }

    @Test
    void queuedPacketsAtShutdownAreDroppedAsShutdown() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        a.send(b, dataPacket(20, 1));
        a.send(b, dataPacket(20, 2));
        bed.relay.beginShutdown();
        bed.shards.get(0).shutdown();
        bed.shards.get(0).shutdown(); // idempotent
        assertThat(bed.relay.drops(RelayDrop.SHUTDOWN_OTHER)).isEqualTo(2);
        assertThat(a.sink.closed).isTrue();
        assertThat(b.sink.closed).isTrue();
        assertThat(bed.relay.keyCount()).isZero();
        assertThat(bed.memory.outstanding).hasValue(0);
    }

    @ParameterizedTest(name = "budget {0} bytes for 2 frames of 1037 bytes")
    @ValueSource(longs = {2073, 2074, 2075})
    void queuedBytesPerShardBudget(final long budget) {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().maxQueuedBytesPerShard(budget));
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        a.send(b, dataPacket(1000, 1)); // frame = 5 + 32 + 1000 = 1037
        a.send(b, dataPacket(1000, 2));
        assertThat(b.client.queuedData()).isEqualTo(budget >= 2074 ? 2 : 1);
        assertThat(bed.relay.drops(RelayDrop.NO_MEMORY_OTHER)).isEqualTo(budget >= 2074 ? 0 : 1);
        assertThat(bed.memory.outstanding.get()).isEqualTo(b.client.queuedData());
    }

    @Test
    void frameMemoryExhaustionDropsAsNoMemory() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        bed.memory.exhausted = true;
        a.send(b, discoPacket(100, 1));
        assertThat(bed.relay.drops(RelayDrop.NO_MEMORY_DISCO)).isEqualTo(1);
    }

    @Test
    void fullHandoffMailboxDropsTheNewPacket() {
        final RelayTestbed bed = new RelayTestbed(2, RelayTestbed.config().mailboxCapacity(2));
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        for (int i = 0; i < 3; i++) {
            a.send(b, dataPacket(20, i));
        }
        assertThat(bed.relay.drops(RelayDrop.HANDOFF_FULL_OTHER)).isEqualTo(1);
        bed.pass();
        assertThat(b.sink.received()).hasSize(2);
        assertThat(bed.memory.outstanding).hasValue(0);
    }
}
