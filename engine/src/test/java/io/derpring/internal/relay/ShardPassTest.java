package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.Test;

/** A shard pass reports its work as an Agrona duty cycle does (0 = idle), and other threads wake it at most once. */
class ShardPassTest {
    private final RelayTestbed bed = new RelayTestbed(2);
    private final RelayShard<byte[]> shard0 = bed.shards.get(0);
    private final RelayShard<byte[]> shard1 = bed.shards.get(1);

    @Test
    void anIdlePassReportsNoWork() {
        bed.connect(0);
        assertThat(shard0.runPass()).isZero();
    }

    @Test
    void aPassReportsEachFrameItWrote() {
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        a.send(b, dataPacket(10, 1));
        a.send(b, dataPacket(10, 2));
        a.send(b, dataPacket(10, 3));
        assertThat(shard0.runPass()).isEqualTo(3);
        assertThat(shard0.runPass()).isZero();
    }

    @Test
    void aPassReportsEachHandoffItDrainedAndWrote() {
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        a.send(b, dataPacket(10, 1));
        a.send(b, dataPacket(10, 2));
        assertThat(shard1.runPass()).as("2 drained + 2 written").isEqualTo(4);
    }

    @Test
    void aPassReportsEachCommandItRan() {
        final Peer a = bed.connect(0);
        final Peer gone = bed.connect(1);
        gone.client.close(); // tells every shard, as a command, that the key left
        assertThat(shard0.runPass()).isEqualTo(1);
        assertThat(a.sink.frames).isEmpty();
    }

    @Test
    void handoffsWakeTheOtherShardOncePerPass() {
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(1);
        a.send(b, dataPacket(10, 1));
        a.send(b, dataPacket(10, 2));
        assertThat(bed.schedulers.get(1).wakeups).hasValue(1);
        shard1.runPass();
        a.send(b, dataPacket(10, 3));
        assertThat(bed.schedulers.get(1).wakeups).as("woken again after its pass").hasValue(2);
    }

    @Test
    void aCommandFromAnotherShardWakesTheShard() {
        bed.connect(0);
        bed.connect(1, NodePrivateKey.generate().publicKey()).client.close();
        assertThat(bed.schedulers.get(0).wakeups).hasValue(1);
    }

    @Test
    void shardsAreNumberedInTheOrderTheyWereAdded() {
        assertThat(shard0.index()).isZero();
        assertThat(shard1.index()).isEqualTo(1);
    }
}
