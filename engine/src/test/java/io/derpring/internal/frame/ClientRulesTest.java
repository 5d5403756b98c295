package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.derpring.internal.frame.Readers.concat;
import static io.derpring.internal.frame.Readers.frame;
import static io.derpring.internal.frame.Readers.header;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's receive rules and greeting (SPEC §1.4, §2.2). */
class ClientRulesTest {
    private static final NodeKey SERVER = NodePrivateKey.generate().publicKey();
    private static final NodeKey PEER = NodePrivateKey.generate().publicKey();
    private static final byte[] PING = frame(FrameType.PING, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    private static byte[] greeting(final int payloadLength) {
        final byte[] payload = new byte[payloadLength];
        final UnsafeBuffer b = new UnsafeBuffer(payload);
        if (payloadLength >= DerpProtocol.MAGIC_LENGTH) {
            b.putBytes(0, DerpProtocol.magic(), 0, DerpProtocol.MAGIC_LENGTH);
        }
        if (payloadLength >= ServerKeyFlyweight.PAYLOAD_LENGTH) {
            SERVER.writeTo(b, ServerKeyFlyweight.SERVER_KEY_OFFSET);
            Arrays.fill(payload, ServerKeyFlyweight.PAYLOAD_LENGTH, payloadLength, (byte) 0xee);
        }
        return frame(FrameType.SERVER_KEY, payload);
    }

    private static byte[] peerKeyPayload(final int length) {
        final byte[] payload = new byte[length];
        PEER.writeTo(new UnsafeBuffer(payload), 0);
        return payload;
    }

    // ---- greeting (B3, B4) ----

    @Test
    @DisplayName("B3: ServerKey payload starts with the magic 44 45 52 50 f0 9f 94 91")
    void serverKeyPayloadStartsWithMagic() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[ServerKeyFlyweight.FRAME_LENGTH]);
        ServerKeyFlyweight.encode(out, 0, SERVER);
        final byte[] magic = new byte[8];
        out.getBytes(HEADER_LENGTH, magic);
        assertThat(magic).containsExactly(0x44, 0x45, 0x52, 0x50, 0xf0, 0x9f, 0x94, 0x91);
    }

    @Test
    @DisplayName("B3: a greeting with a wrong magic fails the client handshake")
    void greetingWithWrongMagicIsFatal() {
        final byte[] bad = greeting(40);
        bad[HEADER_LENGTH + 4] = 'X';
        final Readers r = Readers.clientHandshake();
        r.feed(bad);
        assertThat(r.reader.error()).isEqualTo(FrameError.GREETING_BAD_MAGIC);
        assertThat(r.reader.errorMessage()).startsWith("invalid server greeting");
        assertThat(r.handler.frames()).isEmpty();
    }

    @Test
    @DisplayName("B3: a greeting that is not a ServerKey fails the client handshake")
    void firstFrameThatIsNotServerKeyIsFatal() {
        final Readers r = Readers.clientHandshake();
        r.feed(PING);
        assertThat(r.reader.error()).isEqualTo(FrameError.GREETING_WRONG_TYPE);
        assertThat(r.reader.errorMessage()).startsWith("invalid server greeting");
    }

    @ParameterizedTest(name = "ServerKey payload {0} bytes")
    @ValueSource(ints = {39, 40, 41})
    @DisplayName("B3: ServerKey minimum 40 bytes: below is fatal, at and above accepted")
    void serverKeyMinimumLength(final int length) {
        final Readers r = Readers.clientHandshake();
        r.feed(greeting(length));
        if (length < FrameLimits.SERVER_KEY_MIN_LENGTH) {
            assertThat(r.reader.error()).isEqualTo(FrameError.GREETING_TOO_SHORT);
            assertThat(r.reader.errorMessage()).contains("invalid server greeting").contains("39").contains("40");
        } else {
            assertThat(r.reader.error()).isNull();
            assertThat(r.reader.inHandshake()).isFalse();
        }
    }

    @ParameterizedTest(name = "ServerKey payload {0} bytes")
    @ValueSource(ints = {1023, 1024, 1025})
    @DisplayName("B3: ServerKey read cap 1024: at and below accepted, above fatal")
    void serverKeyReadCap(final int length) {
        final Readers r = Readers.clientHandshake();
        r.feed(greeting(length));
        if (length > FrameLimits.SERVER_KEY_MAX_FRAME_LENGTH) {
            assertThat(r.reader.error()).isEqualTo(FrameError.SERVER_KEY_TOO_LONG);
            assertThat(r.reader.errorMessage()).contains("1025").contains("1024");
        } else {
            assertThat(r.reader.error()).isNull();
            assertThat(r.handler.onlyPayload()).hasSize(ServerKeyFlyweight.PAYLOAD_LENGTH);
        }
    }

    @Test
    @DisplayName("B3: the 1024 cap is applied from the header alone, before the type")
    void serverKeyCapAppliesBeforeTypeFromTheHeaderAlone() {
        final Readers r = Readers.clientHandshake();
        r.feed(header(FrameType.KEEP_ALIVE, 5000));
        assertThat(r.reader.error()).isEqualTo(FrameError.SERVER_KEY_TOO_LONG);
    }

    @Test
    @DisplayName("B4: a ServerKey with extra bytes after the 40 is accepted and the extra ignored")
    void serverKeyExtraBytesAreIgnored() {
        final Readers r = Readers.clientHandshake();
        r.feed(concat(greeting(48), PING));
        assertThat(r.reader.error()).isNull();
        final byte[] payload = HexFormat.of().parseHex(r.handler.frames().get(0).hex());
        assertThat(payload).hasSize(40);
        assertThat(SERVER.matches(new UnsafeBuffer(payload), ServerKeyFlyweight.SERVER_KEY_OFFSET)).isTrue();
        assertThat(r.handler.frames()).hasSize(2);
        assertThat(r.handler.frames().get(1).type()).isEqualTo(FrameType.PING);
    }

    @Test
    void endOfStreamBeforeTheGreetingLeavesTheReaderInHandshake() {
        final Readers r = Readers.clientHandshake();
        assertThat(r.reader.inHandshake()).isTrue();
        assertThat(r.reader.onEndOfStream()).isEqualTo(StreamEnd.CLEAN);
        assertThat(r.reader.isClosed()).isTrue();
    }

    // ---- skipping (B21) and the ceiling (B22) ----

    @Test
    @DisplayName("B21: the client skips a ServerKey arriving after fast start and delivers the next frame")
    void serverKeyAfterFastStartIsSkipped() {
        final Readers r = Readers.clientFastStart();
        r.feed(concat(greeting(40), PING));
        assertThat(r.reader.error()).isNull();
        assertThat(r.handler.onlyFrame().type()).isEqualTo(FrameType.PING);
        assertThat(r.reader.dropCount(FrameDrop.UNKNOWN_TYPE)).isEqualTo(1);
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0x00, 0x01, 0x02, 0x04, 0x07, 0x0a, 0x0b, 0x0f, 0x10, 0x11, 0x16, 0x7f, 0xff})
    @DisplayName("B21: the client skips types it does not handle and delivers the next frame")
    void unknownTypesAreSkipped(final int type) {
        final Readers r = Readers.client();
        r.feed(concat(frame(type, new byte[100]), PING));
        assertThat(r.reader.error()).isNull();
        assertThat(r.handler.onlyFrame().type()).isEqualTo(FrameType.PING);
        assertThat(r.reader.dropCount(FrameDrop.UNKNOWN_TYPE)).isEqualTo(1);
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0x7f, FrameType.HEALTH, FrameType.RECV_PACKET})
    @DisplayName("B22: the client treats a frame length above 1 MiB as fatal, even for an unknown type")
    void frameAboveOneMebibyteIsFatal(final int type) {
        final Readers r = Readers.client();
        r.feed(header(type, FrameLimits.CLIENT_MAX_FRAME_LENGTH + 1));
        assertThat(r.reader.error()).isEqualTo(FrameError.CLIENT_FRAME_TOO_LARGE);
        assertThat(r.reader.errorMessage()).contains("unexpectedly large frame").contains("1048577");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {FrameLimits.CLIENT_MAX_FRAME_LENGTH - 1, FrameLimits.CLIENT_MAX_FRAME_LENGTH})
    @DisplayName("B22: frames at and below the 1 MiB ceiling are read")
    void framesUpToTheCeilingAreRead(final int length) {
        final Readers r = Readers.client();
        r.feed(concat(frame(0x7f, new byte[length]), frame(FrameType.HEALTH, new byte[length]), PING));
        assertThat(r.reader.error()).isNull();
        assertThat(r.handler.frames()).extracting(RecordingHandler.Event::type).containsExactly(FrameType.HEALTH, FrameType.PING);
        assertThat(r.handler.frames().get(0).length()).isEqualTo(length);
    }

    // ---- drops (B23) ----

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {FrameType.RECV_PACKET, FrameType.PEER_GONE, FrameType.PEER_PRESENT, FrameType.PING,
        FrameType.PONG, FrameType.RESTARTING})
    @DisplayName("B23: short RecvPacket, PeerGone, PeerPresent, Ping, Pong and Restarting are dropped without closing")
    void shortFramesAreDroppedNotFatal(final int type) {
        final int minimum = type == FrameType.RECV_PACKET || type == FrameType.PEER_GONE || type == FrameType.PEER_PRESENT ? 32 : 8;
        final Readers r = Readers.client();
        r.feed(concat(frame(type, new byte[minimum - 1]), PING));
        assertThat(r.reader.error()).isNull();
        assertThat(r.handler.drops()).hasSize(1);
        assertThat(r.handler.onlyFrame().type()).isEqualTo(FrameType.PING);
        r.handler.events.clear();
        r.feed(frame(type, new byte[minimum]));
        assertThat(r.handler.onlyFrame().type()).as("at the minimum the frame is delivered").isEqualTo(type);
    }

    @Test
    void dropsAreCountedPerReason() {
        final Readers r = Readers.client();
        r.feed(concat(frame(FrameType.PING, new byte[3]), frame(FrameType.PING, new byte[0]), frame(FrameType.PONG, new byte[7])));
        assertThat(r.reader.dropCount(FrameDrop.PING_TOO_SHORT)).isEqualTo(2);
        assertThat(r.reader.dropCount(FrameDrop.PONG_TOO_SHORT)).isEqualTo(1);
        assertThat(r.reader.dropCount(FrameDrop.RECV_PACKET_TOO_SHORT)).isZero();
    }

    @ParameterizedTest(name = "packet {0} bytes")
    @ValueSource(ints = {FrameLimits.MAX_PACKET_SIZE - 1, FrameLimits.MAX_PACKET_SIZE, FrameLimits.MAX_PACKET_SIZE + 1})
    @DisplayName("RecvPacket packet above MAX_PACKET_SIZE is dropped and counted; at and below it is delivered")
    void recvPacketAboveMaxPacketSizeIsDropped(final int packetLength) {
        final Readers r = Readers.client();
        r.feed(concat(frame(FrameType.RECV_PACKET, peerKeyPayload(32 + packetLength)), PING));
        assertThat(r.reader.error()).isNull();
        if (packetLength > FrameLimits.MAX_PACKET_SIZE) {
            assertThat(r.reader.dropCount(FrameDrop.RECV_PACKET_TOO_LONG)).isEqualTo(1);
            assertThat(r.handler.onlyFrame().type()).isEqualTo(FrameType.PING);
        } else {
            assertThat(r.handler.frames().get(0).length()).isEqualTo(32 + packetLength);
        }
    }

    @Test
    void recvPacketTooLongIsSkippedWithoutBuffering() {
        final Readers r = Readers.client();
        final byte[] big = frame(FrameType.RECV_PACKET, new byte[32 + FrameLimits.MAX_PACKET_SIZE + 1]);
        for (int at = 0; at < big.length; at += 1000) {
            r.reader.onData(new UnsafeBuffer(big), at, Math.min(1000, big.length - at));
        }
        assertThat(r.reader.dropCount(FrameDrop.RECV_PACKET_TOO_LONG)).isEqualTo(1);
        assertThat(r.reader.stagingCapacity()).isZero();
    }

    @Test
    void zeroLengthRecvPacketDataIsDelivered() {
        final Readers r = Readers.client();
        r.feed(frame(FrameType.RECV_PACKET, peerKeyPayload(32)));
        assertThat(PacketFlyweight.packetLength(r.handler.onlyPayload().length)).isZero();
    }

    // ---- ServerInfo ----

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {23, 24, 25})
    void serverInfoShorterThanTheNonceIsFatal(final int length) {
        final Readers r = Readers.client();
        r.feed(frame(FrameType.SERVER_INFO, new byte[length]));
        if (length < FrameLimits.SERVER_INFO_MIN_LENGTH) {
            assertThat(r.reader.error()).isEqualTo(FrameError.SERVER_INFO_TOO_SHORT);
            assertThat(r.reader.errorMessage()).contains("short serverInfo frame");
        } else {
            assertThat(r.handler.onlyFrame().type()).isEqualTo(FrameType.SERVER_INFO);
        }
    }

    // ---- payload decoding (B24, B25, B26) ----

    @Test
    @DisplayName("B24: PeerGone with 32 bytes decodes as reason Disconnected")
    void peerGoneWith32BytesDecodesAsDisconnected() {
        final Readers r = Readers.client();
        r.feed(frame(FrameType.PEER_GONE, peerKeyPayload(32)));
        final byte[] p = r.handler.onlyPayload();
        assertThat(PeerGoneFlyweight.reason(new UnsafeBuffer(p), 0, p.length)).isEqualTo(PeerGoneFlyweight.REASON_DISCONNECTED);
        assertThat(PEER.matches(new UnsafeBuffer(p), PeerGoneFlyweight.peerKeyOffset(0))).isTrue();
    }

    @ParameterizedTest(name = "reason {0}")
    @ValueSource(ints = {0x00, 0x01, 0x7e, 0xf0, 0xff})
    @DisplayName("B24: PeerGone with 33 bytes uses the 33rd byte; unknown reasons are tolerated")
    void peerGoneReasonByteIsUsedWhateverItsValue(final int reason) {
        final byte[] payload = peerKeyPayload(40);
        payload[32] = (byte) reason;
        final Readers r = Readers.client();
        r.feed(frame(FrameType.PEER_GONE, payload));
        assertThat(r.reader.error()).isNull();
        final byte[] p = r.handler.onlyPayload();
        assertThat(p).as("bytes after the reason are not delivered").hasSize(33);
        assertThat(PeerGoneFlyweight.reason(new UnsafeBuffer(p), 0, p.length)).isEqualTo(reason);
        assertThat(PeerGoneFlyweight.reasonName(reason)).isNotEmpty();
    }

    @Test
    @DisplayName("B25: PeerPresent with 32 bytes has no endpoint and flags 0 (unsupported)")
    void peerPresentKeyOnly() {
        final Readers r = Readers.client();
        r.feed(frame(FrameType.PEER_PRESENT, peerKeyPayload(32)));
        final byte[] p = r.handler.onlyPayload();
        assertThat(PeerPresentFlyweight.hasEndpoint(p.length)).isFalse();
        assertThat(PeerPresentFlyweight.flags(new UnsafeBuffer(p), 0, p.length)).isEqualTo(PeerPresentFlyweight.FLAGS_UNSUPPORTED);
    }

    @Test
    @DisplayName("B25: PeerPresent with 50 bytes has a v4-mapped endpoint that decodes unmapped")
    void peerPresentWithEndpointUnmapsIpv4() throws Exception {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final InetSocketAddress endpoint = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 41641);
        final int n = PeerPresentFlyweight.encodeWithSocketAddress(out, 0, PEER, endpoint, -1);
        final Readers r = Readers.client();
        r.reader.onData(out, 0, n);
        final byte[] p = r.handler.onlyPayload();
        final UnsafeBuffer view = new UnsafeBuffer(p);
        assertThat(p).hasSize(50);
        assertThat(PeerPresentFlyweight.isIpv4Mapped(view, 0)).isTrue();
        assertThat(PeerPresentFlyweight.ipv4(view, 0)).isEqualTo(0xc0000207);
        final InetSocketAddress decoded = PeerPresentFlyweight.readSocketAddress(view, 0, p.length);
        assertThat(decoded.getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(decoded).isEqualTo(endpoint);
        assertThat(PeerPresentFlyweight.flags(view, 0, p.length)).isZero();
    }

    @Test
    @DisplayName("B25: PeerPresent with 51 bytes carries flags; IPv6 stays IPv6")
    void peerPresentWithFlags() throws Exception {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final InetSocketAddress endpoint = new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 443);
        final int flags = PeerPresentFlyweight.FLAG_IS_PROBER | PeerPresentFlyweight.FLAG_NOT_IDEAL;
        final int n = PeerPresentFlyweight.encodeWithSocketAddress(out, 0, PEER, endpoint, flags);
        final Readers r = Readers.client();
        r.reader.onData(out, 0, n);
        final byte[] p = r.handler.onlyPayload();
        final UnsafeBuffer view = new UnsafeBuffer(p);
        assertThat(PeerPresentFlyweight.isIpv4Mapped(view, 0)).isFalse();
        assertThat(PeerPresentFlyweight.readSocketAddress(view, 0, p.length)).isEqualTo(endpoint);
        assertThat(PeerPresentFlyweight.flags(view, 0, p.length)).isEqualTo(flags);
    }

    @Test
    @DisplayName("B26: Health(\"\") and Health(text) are delivered and not fatal")
    void healthFramesAreNotFatal() {
        final Readers r = Readers.client();
        r.feed(concat(frame(FrameType.HEALTH, "BAD".getBytes(StandardCharsets.UTF_8)), frame(FrameType.HEALTH, new byte[0])));
        assertThat(r.reader.error()).isNull();
        assertThat(r.handler.frames()).extracting(RecordingHandler.Event::hex).containsExactly("424144", "");
    }

    @Test
    @DisplayName("B26: Restarting(1 ms, 2 ms) decodes and is not fatal")
    void restartingDecodes() {
        final Readers r = Readers.client();
        r.feed(frame(FrameType.RESTARTING, new byte[] {0, 0, 0, 1, 0, 0, 0, 2}));
        final UnsafeBuffer p = new UnsafeBuffer(r.handler.onlyPayload());
        assertThat(RestartingFlyweight.reconnectInMs(p, 0)).isEqualTo(1);
        assertThat(RestartingFlyweight.tryForMs(p, 0)).isEqualTo(2);
    }

    @Test
    void restartingValuesAreUnsigned() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[RestartingFlyweight.FRAME_LENGTH]);
        RestartingFlyweight.encode(out, 0, 0xFFFF_FFFFL, 0x8000_0000L);
        assertThat(RestartingFlyweight.reconnectInMs(out, HEADER_LENGTH)).isEqualTo(0xFFFF_FFFFL);
        assertThat(RestartingFlyweight.tryForMs(out, HEADER_LENGTH)).isEqualTo(0x8000_0000L);
    }

    @Test
    void pingWithTwelveBytesDeliversTheFirstEight() {
        final Readers r = Readers.client();
        r.feed(frame(FrameType.PING, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
        assertThat(r.handler.onlyFrame().hex()).isEqualTo("0001020304050607");
    }

    @Test
    void keepAliveIsDeliveredWithItsPayloadIgnored() {
        final Readers r = Readers.client();
        r.feed(concat(frame(FrameType.KEEP_ALIVE, new byte[0]), frame(FrameType.KEEP_ALIVE, new byte[5])));
        assertThat(r.handler.frames()).extracting(RecordingHandler.Event::length).containsExactly(0L, 0L);
    }

    // ---- stickiness, EOF, staging ----

    @Test
    void errorIsStickyAndLaterInputIgnored() {
        final Readers r = Readers.client();
        r.feed(concat(header(0x7f, FrameLimits.CLIENT_MAX_FRAME_LENGTH + 1), PING));
        assertThat(r.handler.frames()).isEmpty();
        assertThat(r.feed(PING)).isZero();
        assertThat(r.handler.events).hasSize(1);
        assertThat(r.reader.onEndOfStream()).isEqualTo(StreamEnd.ALREADY_CLOSED);
        assertThat(r.reader.error()).isEqualTo(FrameError.CLIENT_FRAME_TOO_LARGE);
        assertThat(r.reader.errorAsException().error()).isEqualTo(FrameError.CLIENT_FRAME_TOO_LARGE);
    }

    @Test
    void endOfStreamAtAFrameBoundaryIsClean() {
        final Readers r = Readers.client();
        r.feed(PING);
        assertThat(r.reader.onEndOfStream()).isEqualTo(StreamEnd.CLEAN);
        assertThat(r.feed(PING)).isZero();
    }

    @Test
    void endOfStreamInsideAPayloadIsTruncated() {
        final Readers r = Readers.client();
        r.feed(Arrays.copyOf(PING, PING.length - 1));
        assertThat(r.reader.onEndOfStream()).isEqualTo(StreamEnd.TRUNCATED_PAYLOAD);
        assertThat(r.reader.error()).isEqualTo(FrameError.TRUNCATED_PAYLOAD);
        assertThat(r.handler.frames()).isEmpty();
    }

    @Test
    void stagingForARareBigFrameIsBoundedAndReleased() {
        final Readers r = Readers.client();
        final byte[] health = frame(FrameType.HEALTH, new byte[FrameLimits.CLIENT_MAX_FRAME_LENGTH]);
        int maxCapacity = 0;
        for (int at = 0; at < health.length; at += 4096) {
            r.reader.onData(new UnsafeBuffer(health), at, Math.min(4096, health.length - at));
            maxCapacity = Math.max(maxCapacity, r.reader.stagingCapacity());
        }
        assertThat(r.handler.onlyFrame().length()).isEqualTo(FrameLimits.CLIENT_MAX_FRAME_LENGTH);
        assertThat(maxCapacity).isLessThanOrEqualTo(FrameRules.client().stagingLimit());
        assertThat(r.reader.stagingCapacity()).isLessThanOrEqualTo(FrameReader.RETAINED_STAGING_CAPACITY);
    }
}
