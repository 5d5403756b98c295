package io.derpring.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.FrameError;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.NotePreferredFlyweight;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.RelayTestbed.RecordingSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A whole server-side connection without sockets: handshake (SPEC §2.2) and the receive rules (§1.5). */
class RelaySessionTest {
    private static final NodePrivateKey SERVER = NodePrivateKey.generate();

    private final RelayTestbed bed = new RelayTestbed(1);
    private final NaclBox box = new NaclBox();

    private final class Conn {
        final NodePrivateKey key = NodePrivateKey.generate();
        final RecordingSink sink = new RecordingSink();
        final RelaySession<byte[]> session;

        Conn() {
            sink.memory = bed.memory;
            session = new RelaySession<>(bed.shards.get(0), sink, SERVER, null);
        }

        Conn handshake() {
            session.sendServerKey();
            feed(clientInfo(key, ClientInfo.standard()));
            sink.client = session.client();
            return this;
        }

        void feed(final byte[] bytes) {
            session.onData(new UnsafeBuffer(bytes), 0, bytes.length);
        }
    }

    private byte[] clientInfo(final NodePrivateKey client, final ClientInfo info) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[512]);
        final int n = ClientInfoFrame.seal(box, client, SERVER.publicKey(), info, b, 0);
        final byte[] out = new byte[n];
        b.getBytes(0, out);
        return out;
    }

    private static byte[] frame(final int type, final byte[] payload) {
        final byte[] f = new byte[5 + payload.length];
        FrameHeaderFlyweight.write(new UnsafeBuffer(f), 0, type, payload.length);
        System.arraycopy(payload, 0, f, 5, payload.length);
        return f;
    }

    private static byte[] sendPacket(final NodeKey dst, final int packetLength) {
        // Built by hand: the encoder itself refuses packets above the limit.
        final byte[] f = new byte[PacketFlyweight.frameLength(packetLength)];
        final UnsafeBuffer b = new UnsafeBuffer(f);
        FrameHeaderFlyweight.write(b, 0, FrameType.SEND_PACKET, 32 + packetLength);
        dst.writeTo(b, 5);
        return f;
    }

    @Test
    @DisplayName("B8/B9: ServerKey first; after ClientInfo the client is registered, then ServerInfo {\"version\":2} follows")
    void handshakeSendsServerKeyThenServerInfo() throws Exception {
        final Conn c = new Conn().handshake();
        assertThat(c.sink.frames).hasSize(2);
        final byte[] serverKey = c.sink.frames.get(0);
        assertThat(serverKey).hasSize(ServerKeyFlyweight.FRAME_LENGTH);
        assertThat(ServerKeyFlyweight.isValidGreeting(new UnsafeBuffer(serverKey), 5, 40)).isTrue();
        assertThat(ServerKeyFlyweight.readServerKey(new UnsafeBuffer(serverKey), 5)).isEqualTo(SERVER.publicKey());
        final byte[] serverInfo = c.sink.frames.get(1);
        assertThat(serverInfo[0]).isEqualTo((byte) FrameType.SERVER_INFO);
        final ServerInfo info = ServerInfoFrame.open(box, c.key, SERVER.publicKey(), new UnsafeBuffer(serverInfo), 5, serverInfo.length - 5);
        assertThat(info).isEqualTo(ServerInfo.standard());
        assertThat(bed.relay.isConnected(c.key.publicKey())).isTrue();
        assertThat(c.session.inHandshake()).isFalse();
    }

    @Test
    @DisplayName("B7: ClientInfo sealed to another server key does not open: closed, no ServerInfo, not registered")
    void unopenableClientInfoCloses() {
        final Conn c = new Conn();
        final UnsafeBuffer b = new UnsafeBuffer(new byte[512]);
        final int n = ClientInfoFrame.seal(box, c.key, NodePrivateKey.generate().publicKey(), ClientInfo.standard(), b, 0);
        final byte[] bytes = new byte[n];
        b.getBytes(0, bytes);
        c.feed(bytes);
        assertThat(c.session.error()).isEqualTo(FrameError.CLIENT_INFO_OPEN_FAILED);
        assertThat(c.sink.closed).isTrue();
        assertThat(c.sink.frames).isEmpty();
        assertThat(bed.relay.keyCount()).isZero();
    }

    @ParameterizedTest(name = "ClientInfo payload {0} bytes")
    @ValueSource(ints = {55, 56})
    @DisplayName("B7: a ClientInfo shorter than 56 bytes is 'short'; 56 reaches the box (which then fails to open)")
    void shortClientInfo(final int length) {
        final Conn c = new Conn();
        c.feed(frame(FrameType.CLIENT_INFO, new byte[length]));
        assertThat(c.session.error()).isEqualTo(length < 56 ? FrameError.CLIENT_INFO_TOO_SHORT : FrameError.CLIENT_INFO_OPEN_FAILED);
        assertThat(c.sink.closed).isTrue();
    }

    @Test
    @DisplayName("B7: a first frame that is not ClientInfo closes the connection")
    void firstFrameMustBeClientInfo() {
        final Conn c = new Conn();
        c.feed(frame(FrameType.PING, new byte[8]));
        assertThat(c.session.error()).isEqualTo(FrameError.CLIENT_INFO_WRONG_TYPE);
        assertThat(c.sink.closed).isTrue();
    }

    @ParameterizedTest(name = "packet {0} bytes")
    @ValueSource(ints = {FrameLimits.MAX_PACKET_SIZE - 1, FrameLimits.MAX_PACKET_SIZE, FrameLimits.MAX_PACKET_SIZE + 1})
    @DisplayName("B15: a 65 536-byte packet is relayed; 65 537 closes the sender")
    void maximumPacketSize(final int packetLength) {
        final Conn a = new Conn().handshake();
        final Conn b = new Conn().handshake();
        a.feed(sendPacket(b.key.publicKey(), packetLength));
        bed.pass();
        final boolean tooLong = packetLength > FrameLimits.MAX_PACKET_SIZE;
        assertThat(a.sink.closed).isEqualTo(tooLong);
        assertThat(a.session.error()).isEqualTo(tooLong ? FrameError.SEND_PACKET_TOO_LONG : null);
        assertThat(b.sink.received()).hasSize(tooLong ? 0 : 1);
    }

    @ParameterizedTest(name = "SendPacket payload {0} bytes")
    @ValueSource(ints = {31, 32, 33})
    @DisplayName("B16: a SendPacket shorter than the 32-byte key closes the connection")
    void shortSendPacket(final int payloadLength) {
        final Conn a = new Conn().handshake();
        a.feed(frame(FrameType.SEND_PACKET, new byte[payloadLength]));
        assertThat(a.session.error()).isEqualTo(payloadLength < 32 ? FrameError.SEND_PACKET_TOO_SHORT : null);
        assertThat(a.sink.closed).isEqualTo(payloadLength < 32);
    }

    @Test
    @DisplayName("B20: an unknown frame type (0x7f) is skipped and the following valid frame is processed")
    void unknownFrameTypeIsSkipped() {
        final Conn a = new Conn().handshake();
        a.sink.clear();
        final byte[] unknown = frame(0x7f, new byte[100]);
        final byte[] ping = frame(FrameType.PING, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        final byte[] both = new byte[unknown.length + ping.length];
        System.arraycopy(unknown, 0, both, 0, unknown.length);
        System.arraycopy(ping, 0, both, unknown.length, ping.length);
        a.feed(both);
        bed.pass();
        assertThat(a.sink.closed).isFalse();
        assertThat(a.sink.framesOfType(FrameType.PONG)).singleElement()
            .satisfies(f -> assertThat(PingFlyweight.data(new UnsafeBuffer(f), 5)).isEqualTo(0x0102030405060708L));
    }

    @ParameterizedTest(name = "Ping payload {0} bytes")
    @ValueSource(ints = {7, 8, 1000, 1001})
    @DisplayName("B27: Ping below 8 or above 1000 bytes closes the connection; in between gets a Pong of the first 8")
    void pingLimits(final int length) {
        final Conn a = new Conn().handshake();
        a.feed(frame(FrameType.PING, new byte[length]));
        bed.pass();
        final boolean bad = length < 8 || length > 1000;
        assertThat(a.sink.closed).isEqualTo(bad);
        assertThat(a.sink.framesOfType(FrameType.PONG)).hasSize(bad ? 0 : 1);
    }

    @ParameterizedTest(name = "NotePreferred payload {0} bytes")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("B30: NotePreferred must be exactly 1 byte")
    void notePreferredSize(final int length) {
        final Conn a = new Conn().handshake();
        final byte[] payload = new byte[length];
        if (length > 0) {
            payload[0] = 1;
        }
        a.feed(frame(FrameType.NOTE_PREFERRED, payload));
        assertThat(a.sink.closed).isEqualTo(length != NotePreferredFlyweight.PAYLOAD_LENGTH);
        if (length == 1) {
            assertThat(a.session.client().isPreferred()).isTrue();
        }
    }

    @ParameterizedTest(name = "frame type 0x{0}")
    @ValueSource(ints = {FrameType.WATCH_CONNS, FrameType.CLOSE_PEER, FrameType.FORWARD_PACKET})
    @DisplayName("B31: WatchConns, ClosePeer and ForwardPacket from a non-mesh client close the connection")
    void meshFramesFromANonMeshClientClose(final int type) {
        final Conn a = new Conn().handshake();
        final int length = type == FrameType.WATCH_CONNS ? 0 : type == FrameType.CLOSE_PEER ? 32 : 64;
        a.feed(frame(type, new byte[length]));
        assertThat(a.session.error()).isEqualTo(FrameError.INSUFFICIENT_PERMISSIONS);
        assertThat(a.sink.closed).isTrue();
    }

    @Test
    void endOfStreamUnregistersTheClient() {
        final Conn a = new Conn().handshake();
        a.session.onEndOfStream();
        assertThat(bed.relay.keyCount()).isZero();
        assertThat(a.session.client().isClosed()).isTrue();
    }
}
