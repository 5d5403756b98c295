package io.derpring.internal.relay;

import static io.derpring.internal.relay.RelayTestbed.dataPacket;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.DerpProtocol;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.relay.RelayTestbed.Peer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §3.6 Ping/Pong and KeepAlive, and the write deadline (§3.1). */
class PingKeepAliveTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    @DisplayName("B27: Ping(8 bytes) is answered with Pong(the same 8 bytes)")
    void pingIsAnsweredWithPong() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        a.client.onPing(0x0102030405060708L);
        bed.pass();
        assertThat(a.sink.frames).singleElement().satisfies(f -> {
            assertThat(f).hasSize(PingFlyweight.FRAME_LENGTH);
            assertThat(f[0]).isEqualTo((byte) FrameType.PONG);
            assertThat(PingFlyweight.data(new UnsafeBuffer(f), 5)).isEqualTo(0x0102030405060708L);
        });
        assertThat(bed.relay.counter(RelayCounter.PONGS_SENT)).isEqualTo(1);
    }

    @Test
    @DisplayName("B27: while a Pong is pending (capacity 1), further Pings are ignored")
    void extraPingsWhilePongPendingAreIgnored() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        a.sink.setWritable(false);
        a.client.onPing(1);
        a.client.onPing(2);
        a.client.onPing(3);
        a.sink.setWritable(true);
        bed.pass();
        assertThat(a.sink.framesOfType(FrameType.PONG)).singleElement()
            .satisfies(f -> assertThat(PingFlyweight.data(new UnsafeBuffer(f), 5)).isEqualTo(1));
        assertThat(bed.relay.counter(RelayCounter.PINGS_IGNORED)).isEqualTo(2);
        a.client.onPing(4);
        bed.pass();
        assertThat(a.sink.framesOfType(FrameType.PONG)).hasSize(2);
    }

    @Test
    @DisplayName("B29: KeepAlive every 60 s plus a per-client jitter in [0, 5 s)")
    void keepAliveScheduleWithJitter() {
        final RelayTestbed bed = new RelayTestbed(1);
        for (int i = 0; i < 50; i++) {
            final long period = bed.connect(0).client.keepAlivePeriodNs();
            assertThat(period).isBetween(DerpProtocol.KEEP_ALIVE_NS, DerpProtocol.KEEP_ALIVE_NS + DerpProtocol.KEEP_ALIVE_JITTER_NS - 1);
        }
    }

    @Test
    @DisplayName("B29: the KeepAlive frame goes out when its period has passed, not before, and again one period later")
    void keepAliveIsSentWhenDue() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().keepAliveJitterNs(0));
        final Peer a = bed.connect(0);
        bed.advanceNs(DerpProtocol.KEEP_ALIVE_NS - 1);
        bed.timers();
        bed.pass();
        assertThat(a.sink.frames).as("below the period").isEmpty();
        bed.advanceNs(1);
        bed.timers();
        bed.pass();
        assertThat(a.sink.frames).singleElement().satisfies(f -> assertThat(f).containsExactly(6, 0, 0, 0, 0));
        bed.advanceNs(DerpProtocol.KEEP_ALIVE_NS);
        bed.timers();
        bed.pass();
        assertThat(a.sink.framesOfType(FrameType.KEEP_ALIVE)).hasSize(2);
        assertThat(bed.relay.counter(RelayCounter.KEEPALIVES_SENT)).isEqualTo(2);
    }

    @Test
    void keepAliveIntervalIsASetting() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().keepAliveIntervalNs(SECOND).keepAliveJitterNs(0));
        final Peer a = bed.connect(0);
        bed.advanceNs(SECOND);
        bed.timers();
        bed.pass();
        assertThat(a.sink.framesOfType(FrameType.KEEP_ALIVE)).hasSize(1);
    }

    @ParameterizedTest(name = "stalled for deadline {0} ns")
    @ValueSource(longs = {-1, 0, 1})
    @DisplayName("a client whose sink stays unwritable past the write deadline (2 s) is closed and counted")
    void writeDeadline(final long offsetNs) {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.setWritable(false);
        a.send(b, dataPacket(10, 1));
        bed.advanceNs(RelayConfig.DEFAULT_WRITE_DEADLINE_NS + offsetNs);
        bed.timers();
        final boolean closed = offsetNs >= 0;
        assertThat(b.sink.closed).isEqualTo(closed);
        assertThat(bed.relay.counter(RelayCounter.CLOSED_WRITE_TIMEOUT)).isEqualTo(closed ? 1 : 0);
        assertThat(a.sink.closed).isFalse();
    }

    @Test
    @DisplayName("D3: each frame that wholly leaves restarts the write deadline, though the sink stays unwritable")
    void aFrameLeavingRestartsTheWriteDeadline() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer a = bed.connect(0);
        final Peer b = bed.connect(0);
        b.sink.writesUntilUnwritable = 1;
        a.send(b, dataPacket(10, 1));
        a.send(b, dataPacket(10, 2));
        bed.pass();
        bed.timers();
        bed.advanceNs(RelayConfig.DEFAULT_WRITE_DEADLINE_NS - 1);
        bed.timers();
        assertThat(b.sink.closed).isFalse();
        b.sink.sendOne();
        bed.timers(); // sees the frame that left: the clock restarts here
        bed.advanceNs(RelayConfig.DEFAULT_WRITE_DEADLINE_NS - 1);
        bed.timers();
        assertThat(b.sink.closed).isFalse();
        bed.advanceNs(1);
        bed.timers();
        assertThat(b.sink.closed).isTrue();
        assertThat(bed.relay.counter(RelayCounter.CLOSED_WRITE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    @DisplayName("D3: a written frame that does not leave within the deadline closes the client even while writable")
    void anUnsentFrameClosesAWritableClient() {
        final RelayTestbed bed = new RelayTestbed(1);
        final Peer b = bed.connect(0);
        b.sink.unsent = 1; // below the high-water mark, but the reader takes nothing
        bed.timers();
        bed.advanceNs(RelayConfig.DEFAULT_WRITE_DEADLINE_NS);
        bed.timers();
        assertThat(b.sink.writable).isTrue();
        assertThat(b.sink.closed).isTrue();
    }

    @Test
    @DisplayName("an idle writable client is never closed for the write deadline")
    void idleClientIsNotClosed() {
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().keepAliveIntervalNs(1000 * SECOND));
        final Peer b = bed.connect(0);
        for (int i = 0; i < 10; i++) {
            bed.advanceNs(RelayConfig.DEFAULT_WRITE_DEADLINE_NS);
            bed.timers();
        }
        assertThat(b.sink.closed).isFalse();
    }

    @ParameterizedTest(name = "stalled for the mesh deadline {0} ns")
    @ValueSource(longs = {-1, 0, 1})
    @DisplayName("a mesh peer gets derper's privileged write timeout (30 s), not the client one")
    void meshPeerWriteDeadline(final long offsetNs) {
        final io.derpring.keys.MeshKey mesh = io.derpring.keys.MeshKey.parse("ab".repeat(32));
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().meshKey(mesh));
        final Peer m = bed.connect(0, io.derpring.keys.NodePrivateKey.generate().publicKey(), mesh);
        m.sink.setWritable(false);
        bed.advanceNs(RelayConfig.DEFAULT_MESH_WRITE_DEADLINE_NS + offsetNs);
        bed.timers();
        assertThat(m.sink.closed).isEqualTo(offsetNs >= 0);
    }
}
