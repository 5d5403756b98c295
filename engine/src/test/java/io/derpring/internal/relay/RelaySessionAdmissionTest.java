package io.derpring.internal.relay;

import io.derpring.relay.AdmissionDecision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.RecordingSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPEC §3.7, §3.8 in the session: waiting for an asynchronous admission, refusals, the mesh exemption, rate charging. */
class RelaySessionAdmissionTest {
    private static final NodePrivateKey SERVER = NodePrivateKey.generate();
    private static final MeshKey MESH = MeshKey.parse("11".repeat(32));

    private final NaclBox box = new NaclBox();
    private final CompletableFuture<Boolean> answer = new CompletableFuture<>();
    private int asked;

    private RelayTestbed bed(final RelayConfig.Builder config) {
        return new RelayTestbed(1, config.meshKey(MESH));
    }

    private RelayTestbed withCallback() {
        return bed(RelayConfig.builder().admission(new AdmissionChain(null, List.of((k, a) -> {
            asked++;
            return answer;
        }))));
    }

    private final class Conn {
        final NodePrivateKey key = NodePrivateKey.generate();
        final RecordingSink sink = new RecordingSink();
        final RelaySession<byte[]> session;

        Conn(final RelayTestbed bed) {
            sink.memory = bed.memory;
            session = new RelaySession<>(bed.shards.get(0), sink, SERVER, null);
            session.sendServerKey();
            sink.frames.clear();
        }

        int feed(final byte[] bytes) {
            return session.onData(new UnsafeBuffer(bytes), 0, bytes.length);
        }

        byte[] clientInfo(final MeshKey mesh) {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[512]);
            final int n = ClientInfoFrame.seal(box, key, SERVER.publicKey(), new ClientInfo(mesh, 2, true, false, ""), b, 0);
            final byte[] out = new byte[n];
            b.getBytes(0, out);
            return out;
        }
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] ping() {
        final byte[] f = new byte[5 + 8];
        FrameHeaderFlyweight.write(new UnsafeBuffer(f), 0, FrameType.PING, 8);
        return f;
    }

    private static byte[] sendPacket(final NodeKey dst, final int packetLength) {
        final byte[] f = new byte[PacketFlyweight.frameLength(packetLength)];
        PacketFlyweight.encodeSendPacket(new UnsafeBuffer(f), 0, dst, new UnsafeBuffer(new byte[packetLength]), 0, packetLength);
        return f;
    }

    @Test
    @DisplayName("while admission is pending nothing after ClientInfo is consumed, nothing is sent, nothing registered")
    void pendingAdmissionHoldsTheStream() {
        final RelayTestbed bed = withCallback();
        final Conn c = new Conn(bed);
        final byte[] info = c.clientInfo(null);
        final int consumed = c.feed(concat(info, ping()));
        assertThat(consumed).isEqualTo(info.length);
        assertThat(c.session.admissionPending()).isTrue();
        assertThat(c.session.inHandshake()).isTrue();
        assertThat(c.sink.frames).isEmpty();
        assertThat(bed.relay.keyCount()).isZero();
        assertThat(c.feed(ping())).isZero();
        assertThat(asked).isEqualTo(1);
    }

    @Test
    @DisplayName("admitted: registered, ServerInfo sent, and the held bytes are then read")
    void admittedClientIsRegistered() throws Exception {
        final RelayTestbed bed = withCallback();
        final Conn c = new Conn(bed);
        c.feed(c.clientInfo(null));
        answer.complete(true);
        final AdmissionDecision d = c.session.pendingAdmission().toCompletableFuture().get(5, TimeUnit.SECONDS);
        c.session.completeAdmission(d);
        assertThat(c.session.inHandshake()).isFalse();
        assertThat(c.sink.framesOfType(FrameType.SERVER_INFO)).hasSize(1);
        assertThat(bed.relay.isConnected(c.key.publicKey())).isTrue();
        assertThat(c.feed(ping())).isEqualTo(13);
        assertThat(bed.relay.admissions(AdmissionDecision.ADMITTED)).isEqualTo(1);
    }

    @Test
    @DisplayName("refused: closed with no ServerInfo (Go verifyClient), not registered, counted by reason")
    void refusedClientIsClosedWithoutServerInfo() throws Exception {
        final RelayTestbed bed = withCallback();
        final Conn c = new Conn(bed);
        c.feed(c.clientInfo(null));
        answer.complete(false);
        c.session.completeAdmission(c.session.pendingAdmission().toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertThat(c.sink.closed).isTrue();
        assertThat(c.sink.frames).isEmpty();
        assertThat(c.session.refusal()).isEqualTo(AdmissionDecision.CALLBACK_REFUSED);
        assertThat(c.session.error()).isNull();
        assertThat(bed.relay.keyCount()).isZero();
        assertThat(bed.relay.admissions(AdmissionDecision.CALLBACK_REFUSED)).isEqualTo(1);
        assertThat(c.feed(ping())).isZero();
    }

    @Test
    @DisplayName("no answer by the deadline: refused and counted as a timeout; a late answer changes nothing")
    void timeoutRefuses() {
        final RelayTestbed bed = withCallback();
        final Conn c = new Conn(bed);
        c.feed(c.clientInfo(null));
        c.session.timeOutAdmission();
        assertThat(c.sink.closed).isTrue();
        assertThat(c.session.refusal()).isEqualTo(AdmissionDecision.CALLBACK_TIMEOUT);
        c.session.completeAdmission(AdmissionDecision.ADMITTED);
        assertThat(bed.relay.keyCount()).isZero();
        assertThat(bed.relay.admissions(AdmissionDecision.CALLBACK_TIMEOUT)).isEqualTo(1);
        assertThat(bed.relay.admissions(AdmissionDecision.ADMITTED)).isZero();
    }

    @Test
    @DisplayName("SPEC §3.8: a mesh peer is registered at once; neither the list nor the callback is asked")
    void meshPeerSkipsAdmission() {
        final RelayTestbed bed = bed(RelayConfig.builder().admission(new AdmissionChain(Set.<NodeKey>of()::contains,
            List.of((k, a) -> {
                asked++;
                return answer;
            }))));
        final Conn c = new Conn(bed);
        c.feed(c.clientInfo(MESH));
        assertThat(c.session.admissionPending()).isFalse();
        assertThat(c.session.client().isMeshPeer()).isTrue();
        assertThat(asked).isZero();
        for (final AdmissionDecision d : AdmissionDecision.values()) {
            assertThat(bed.relay.admissions(d)).isEqualTo(d == AdmissionDecision.MESH_PEER ? 1 : 0);
        }
    }

    @Test
    @DisplayName("a wrong mesh key is an ordinary client: it goes through admission")
    void wrongMeshKeyIsAdmittedLikeAnyone() {
        final RelayTestbed bed = withCallback();
        final Conn c = new Conn(bed);
        c.feed(c.clientInfo(MeshKey.parse("22".repeat(32))));
        assertThat(c.session.admissionPending()).isTrue();
    }

    @Test
    @DisplayName("without an admission chain a client is registered inside the ClientInfo call, as before")
    void noChainAdmitsSynchronously() {
        final RelayTestbed bed = bed(RelayConfig.builder());
        final Conn c = new Conn(bed);
        final byte[] both = concat(c.clientInfo(null), ping());
        assertThat(c.feed(both)).isEqualTo(both.length);
        assertThat(c.session.inHandshake()).isFalse();
        assertThat(bed.relay.admissions(AdmissionDecision.ADMITTED)).isZero();
    }

    @Test
    @DisplayName("SPEC §3.7: a client over its receive rate is told to pause; frames still all arrive (no drop)")
    void overRateClientIsPausedNotDropped() {
        final RelayTestbed bed = bed(RelayConfig.builder().perClientRateLimitBytesPerSec(100_000));
        final Conn a = new Conn(bed);
        a.feed(a.clientInfo(null));
        final Conn b = new Conn(bed);
        b.feed(b.clientInfo(null));
        assertThat(a.session.receivePauseNs()).isZero();
        for (int i = 0; i < 3; i++) {
            a.feed(sendPacket(b.key.publicKey(), 30_000));
        }
        // 3 * (32 + 30 000) charged against a 65 568 burst: 24 528 bytes of debt, 245.28 ms at 100 kB/s.
        assertThat(a.session.receivePauseNs()).isEqualTo(245_280_000L);
        bed.pass();
        assertThat(b.sink.received()).hasSize(3);
        bed.advanceNs(245_280_000L);
        assertThat(a.session.receivePauseNs()).isZero();
    }

    @Test
    @DisplayName("SPEC §3.7: mesh peers are exempt from the receive rate limit")
    void meshPeerIsNotRateLimited() {
        final RelayTestbed bed = bed(RelayConfig.builder().perClientRateLimitBytesPerSec(100_000));
        final Conn a = new Conn(bed);
        a.feed(a.clientInfo(MESH));
        for (int i = 0; i < 10; i++) {
            a.feed(sendPacket(NodePrivateKey.generate().publicKey(), 60_000));
        }
        assertThat(a.session.receivePauseNs()).isZero();
    }
}
