package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static io.derpring.internal.relay.RelayTestbed.discoPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC §3.2 step 4: no destination. */
class UnknownDestinationTest {
    private final NodeKey absent = NodePrivateKey.generate().publicKey();

    @Test
    @DisplayName("B12: a disco SendPacket to an absent key is dropped as unknown_dest and the sender gets PeerGone(dst, NotHere)")
    void discoToAbsentKeyGetsPeerGoneNotHere() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        a.send(absent, discoPacket(100, 1));
        bed.pass();
        assertThat(bed.relay.drops(RelayDrop.UNKNOWN_DEST_DISCO)).isEqualTo(1);
        assertThat(a.sink.framesOfType(FrameType.PEER_GONE)).singleElement().satisfies(f -> {
            final UnsafeBuffer b = new UnsafeBuffer(f);
            assertThat(f).hasSize(5 + 33);
            assertThat(PeerGoneFlyweight.readPeer(b, 5)).isEqualTo(absent);
            assertThat(PeerGoneFlyweight.reason(b, 5, 33)).isEqualTo(PeerGoneFlyweight.REASON_NOT_HERE);
        });
        assertThat(bed.memory.outstanding).hasValue(0);
    }

    @Test
    @DisplayName("B12: PeerGone(NotHere) is rate-limited per sender: burst 3, then 1 per second")
    void peerGoneNotHereIsRateLimited() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer other = bed.connect(0);
        for (int i = 0; i < 10; i++) {
            a.send(absent, discoPacket(100, i));
        }
        bed.pass();
        assertThat(a.sink.framesOfType(FrameType.PEER_GONE)).as("burst").hasSize(3);
        assertThat(bed.relay.drops(RelayDrop.UNKNOWN_DEST_DISCO)).as("every packet still counted").isEqualTo(10);
        assertThat(bed.relay.counter(RelayCounter.PEER_GONE_NOT_HERE_LIMITED)).isEqualTo(7);

        bed.advanceNs(999_999_999L); // just below one token
        a.send(absent, discoPacket(100, 11));
        bed.pass();
        assertThat(a.sink.framesOfType(FrameType.PEER_GONE)).as("below 1 s").hasSize(3);

        bed.advanceNs(1); // at one token
        a.send(absent, discoPacket(100, 12));
        a.send(absent, discoPacket(100, 13));
        bed.pass();
        assertThat(a.sink.framesOfType(FrameType.PEER_GONE)).as("one more per second").hasSize(4);

        other.send(absent, discoPacket(100, 1));
        bed.pass();
        assertThat(other.sink.framesOfType(FrameType.PEER_GONE)).as("the limiter is per sender").hasSize(1);
    }

    @Test
    @DisplayName("B12: after a long silence the limiter refills to the burst of 3, not more")
    void limiterRefillsToTheBurstOnly() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        bed.advanceNs(3_600_000_000_000L);
        for (int i = 0; i < 6; i++) {
            a.send(absent, discoPacket(100, i));
        }
        bed.pass();
        assertThat(a.sink.framesOfType(FrameType.PEER_GONE)).hasSize(3);
    }

    @Test
    @DisplayName("B13: a non-disco SendPacket to an absent key never produces PeerGone")
    void nonDiscoToAbsentKeyNeverProducesPeerGone() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        a.send(absent, dataPacket(100, 1));
        a.send(absent, dataPacket(61, 1)); // disco magic needs 62 bytes
        final byte[] shortDisco = new byte[61];
        System.arraycopy(RelayTestbed.DISCO_MAGIC, 0, shortDisco, 0, 6);
        a.send(absent, shortDisco);
        bed.pass();
        assertThat(a.sink.frames).isEmpty();
        assertThat(bed.relay.drops(RelayDrop.UNKNOWN_DEST_OTHER)).isEqualTo(3);
        assertThat(bed.relay.drops(RelayDrop.UNKNOWN_DEST_DISCO)).isZero();
    }

    @Test
    void packetToAKeyThatLeftIsUnknown() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.client.close();
        a.send(b, dataPacket(10, 1));
        bed.pass();
        assertThat(bed.relay.drops(DropReason.UNKNOWN_DEST)).isEqualTo(1);
    }
}
