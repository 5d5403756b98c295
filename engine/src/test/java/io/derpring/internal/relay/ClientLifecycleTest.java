package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A registered connection is counted while it lives and leaves its shard, the registry and the gauges when it closes. */
class ClientLifecycleTest {

    @Test
    void registeringCountsTheConnectionInItsShardAndTheGauges() {
        final RelayTestbed bed = new RelayTestbed(2);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        bed.connect(1);

        assertThat(bed.shards.get(0).clients()).containsExactly(a.client, b.client);
        assertThat(bed.shards.get(0).clientCount()).isEqualTo(2);
        assertThat(bed.relay.gauge(RelayGauge.CONNECTIONS)).isEqualTo(3);
        assertThat(bed.relay.counter(RelayCounter.CONNECTIONS_REGISTERED)).isEqualTo(3);
        assertThat(a.client.isClosed()).isFalse();
    }

    @Test
    void aClosedClientLeavesItsShardAndTheConnectionGaugeGoesDown() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);

        a.client.close();

        assertThat(a.client.isClosed()).isTrue();
        assertThat(bed.shards.get(0).clients()).containsExactly(b.client);
        assertThat(bed.relay.gauge(RelayGauge.CONNECTIONS)).isEqualTo(1);
        assertThat(bed.relay.counter(RelayCounter.CONNECTIONS_UNREGISTERED)).isEqualTo(1);
        assertThat(bed.relay.isConnected(a.key())).isFalse();
        assertThat(bed.relay.isConnected(b.key())).isTrue();
    }

    @Test
    @DisplayName("closing any client in any order removes exactly that client (the shard's list stays consistent)")
    void closingInAnyOrderRemovesExactlyThatClient() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        final Peer c = bed.connect(0);
        final Peer d = bed.connect(0);

        a.client.close(); // first: the last one moves into its place
        assertThat(bed.shards.get(0).clients()).containsExactlyInAnyOrder(b.client, c.client, d.client);
        d.client.close(); // the one that moved
        assertThat(bed.shards.get(0).clients()).containsExactlyInAnyOrder(b.client, c.client);
        c.client.close(); // the last in the list
        assertThat(bed.shards.get(0).clients()).containsExactly(b.client);
        b.client.close();
        assertThat(bed.shards.get(0).clientCount()).isZero();
        assertThat(bed.relay.gauge(RelayGauge.CONNECTIONS)).isZero();
        assertThat(bed.relay.counter(RelayCounter.CONNECTIONS_UNREGISTERED)).isEqualTo(4);
    }

    @Test
    void closingTwiceCountsTheDepartureOnce() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        bed.connect(0);

        a.client.close();
        a.client.close();

        assertThat(bed.relay.gauge(RelayGauge.CONNECTIONS)).isEqualTo(1);
        assertThat(bed.relay.counter(RelayCounter.CONNECTIONS_UNREGISTERED)).isEqualTo(1);
        assertThat(bed.shards.get(0).clientCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("shutdown closes the connections still registered, not one that already left")
    void aClosedClientIsNotInTheNextShutdown() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        a.client.close();

        bed.relay.beginShutdown();
        bed.shards.get(0).shutdown();

        assertThat(a.sink.closed).as("already gone: not in the shard any more").isFalse();
        assertThat(b.sink.closed).isTrue();
        assertThat(bed.relay.gauge(RelayGauge.CONNECTIONS)).isZero();
    }

    @Test
    void aClosedReceiverOfASourceGetsNoPeerGoneWhenTheSourceLeavesLater() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer source = bed.connect(0);
        final Peer gone = bed.connect(0);
        final Peer stays = bed.connect(0);
        source.send(gone, dataPacket(10, 1));
        source.send(stays, dataPacket(10, 2));
        bed.pass();

        gone.client.close();
        source.client.close();
        bed.pass();

        assertThat(gone.sink.framesOfType(FrameType.PEER_GONE)).isEmpty();
        assertThat(stays.sink.framesOfType(FrameType.PEER_GONE)).hasSize(1);
    }
}
