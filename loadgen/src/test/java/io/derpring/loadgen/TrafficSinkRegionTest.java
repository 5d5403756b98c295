package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Where packets arrive: strict per pair by default, any region of the map for cross-region and churn runs. */
class TrafficSinkRegionTest {
    private final TrafficSinkTest base = new TrafficSinkTest();
    private final NodeKey peer = NodePrivateKey.generate().publicKey();

    private UnsafeBuffer data(final long seq) {
        return base.packet(PayloadFlyweight.KIND_DATA, TrafficSinkTest.SIZE, 0, seq);
    }

    @Test
    void aStrictSinkCountsDataOnAnotherRegionAsMisrouted() {
        final TrafficSink sink = base.sink(0);
        sink.onPacket(peer, 2, data(0), 0, TrafficSinkTest.SIZE);
        assertThat(base.corrupted.get()).isOne();
        assertThat(base.pairs[0].received.get()).isZero();
    }

    @Test
    void anAnyRegionSinkCountsDataByTheRegionItArrivedOn() {
        final TrafficSink sink = base.sink(0);
        sink.acceptAnyRegion();
        sink.onPacket(peer, 2, data(0), 0, TrafficSinkTest.SIZE);
        sink.onPacket(peer, 3, data(1), 0, TrafficSinkTest.SIZE);
        sink.onPacket(peer, 3, data(2), 0, TrafficSinkTest.SIZE);
        assertThat(base.corrupted.get()).isZero();
        assertThat(base.pairs[0].received.get()).isEqualTo(3);
        assertThat(base.pairs[0].receivedOnRegion.get(2)).isOne();
        assertThat(base.pairs[0].receivedOnRegion.get(3)).isEqualTo(2);
    }

    @Test
    void regionIdsOutsideOneToMaxRegionsAreMisroutedEvenForAnAnyRegionSink() {
        final TrafficSink sink = base.sink(0);
        sink.acceptAnyRegion();
        sink.onPacket(peer, 0, data(0), 0, TrafficSinkTest.SIZE);
        sink.onPacket(peer, LoadOptions.MAX_REGIONS + 1, data(1), 0, TrafficSinkTest.SIZE);
        sink.onPacket(peer, LoadOptions.MAX_REGIONS, data(2), 0, TrafficSinkTest.SIZE);
        assertThat(base.corrupted.get()).isEqualTo(2);
        assertThat(base.pairs[0].receivedOnRegion.get(LoadOptions.MAX_REGIONS)).isOne();
    }
}
