package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.derpring.internal.frame.Readers.concat;
import static io.derpring.internal.frame.Readers.frame;
import static io.derpring.internal.frame.Readers.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server connection's receive rules and its first frame (SPEC §1.5, §2.2). */
class ServerRulesTest {
    private static final byte[] PING = frame(FrameType.PING, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    // ---- ClientInfo first (B7, frame level) ----

    @ParameterizedTest(name = "ClientInfo payload {0} bytes")
    @ValueSource(ints = {55, 56, 57})
    @DisplayName("B7: ClientInfo minimum 56 bytes: below is fatal ('short client info'), at and above accepted")
    void clientInfoMinimumLength(final int length) {
        final Readers r = Readers.serverHandshake(false);
        r.feed(frame(FrameType.CLIENT_INFO, new byte[length]));
        if (length < FrameLimits.CLIENT_INFO_MIN_LENGTH) {
            assertThat(r.reader.error()).isEqualTo(FrameError.CLIENT_INFO_TOO_SHORT);
            assertThat(r.reader.errorMessage()).startsWith("short client info").contains("55");
            assertThat(r.handler.frames()).as("nothing reaches the handshake, so no ServerInfo").isEmpty();
        } else {
            assertThat(r.reader.error()).isNull();
            assertThat(r.handler.onlyFrame().length()).isEqualTo(length);
        }
    }

    @ParameterizedTest(name = "ClientInfo payload {0} bytes")
    @ValueSource(ints = {FrameLimits.CLIENT_INFO_MAX_LENGTH - 1, FrameLimits.CLIENT_INFO_MAX_LENGTH, FrameLimits.CLIENT_INFO_MAX_LENGTH + 1})
    @DisplayName("B7: ClientInfo maximum 256 KiB: above is fatal ('long client info'), at and below accepted")
    void clientInfoMaximumLength(final int length) {
        final Readers r = Readers.serverHandshake(false);
        if (length > FrameLimits.CLIENT_INFO_MAX_LENGTH) {
            r.feed(header(FrameType.CLIENT_INFO, length));
            assertThat(r.reader.error()).isEqualTo(FrameError.CLIENT_INFO_TOO_LONG);
            assertThat(r.reader.errorMessage()).startsWith("long client info").contains("262145");
            assertThat(r.reader.stagingCapacity()).as("rejected from the header, nothing buffered").isZero();
        } else {
            r.feed(frame(FrameType.CLIENT_INFO, new byte[length]));
            assertThat(r.reader.error()).isNull();
            assertThat(r.handler.onlyFrame().length()).isEqualTo(length);
        }
    }

    @ParameterizedTest(name = "first frame type {0}")
    @ValueSource(ints = {FrameType.SEND_PACKET, FrameType.PING, FrameType.SERVER_KEY, 0x7f})
    @DisplayName("B7: a first frame that is not ClientInfo is fatal ('bad frame type 0x.., want 0x2')")
    void firstFrameThatIsNotClientInfoIsFatal(final int type) {
        final Readers r = Readers.serverHandshake(false);
        r.feed(frame(type, new byte[64]));
        assertThat(r.reader.error()).isEqualTo(FrameError.CLIENT_INFO_WRONG_TYPE);
        assertThat(r.reader.errorMessage()).isEqualTo(String.format("bad frame type 0x%X, want 0x2", type));
        assertThat(r.handler.frames()).isEmpty();
    }

    @Test
    void readerPausesAfterClientInfoUntilTheClientIsVerified() {
        final Readers r = Readers.serverHandshake(null);
        final byte[] clientInfo = Readers.syntheticClientInfo();
        final byte[] watch = frame(FrameType.WATCH_CONNS, new byte[0]);
        final byte[] stream = concat(clientInfo, watch);
        final UnsafeBuffer b = new UnsafeBuffer(stream);
        final int consumed = r.reader.onData(b, 0, stream.length);
        assertThat(consumed).isEqualTo(clientInfo.length);
        assertThat(r.reader.isAwaitingVerification()).isTrue();
        assertThat(r.reader.onData(b, consumed, stream.length - consumed)).as("paused: nothing consumed").isZero();
        r.reader.clientVerified(true);
        assertThat(r.reader.onData(b, consumed, stream.length - consumed)).isEqualTo(watch.length);
        assertThat(r.handler.frames()).extracting(RecordingHandler.Event::type)
            .containsExactly(FrameType.CLIENT_INFO, FrameType.WATCH_CONNS);
        assertThat(r.reader.error()).isNull();
    }

    @Test
    void clientVerifiedOutsideTheHandshakeIsACallerBug() {
        final Readers r = Readers.server(false);
        assertThatThrownBy(() -> r.reader.clientVerified(true)).isInstanceOf(IllegalStateException.class);
    }

    // ---- SendPacket (B15, B16) ----

    @ParameterizedTest(name = "packet {0} bytes")
    @ValueSource(ints = {FrameLimits.MAX_PACKET_SIZE - 1, FrameLimits.MAX_PACKET_SIZE, FrameLimits.MAX_PACKET_SIZE + 1})
    @DisplayName("B15: a SendPacket with a 65536-byte packet is read; 65537 closes the connection")
    void sendPacketMaxPacketSize(final int packetLength) {
        final Readers r = Readers.server(false);
        r.feed(frame(FrameType.SEND_PACKET, new byte[32 + packetLength]));
        if (packetLength > FrameLimits.MAX_PACKET_SIZE) {
            assertThat(r.reader.error()).isEqualTo(FrameError.SEND_PACKET_TOO_LONG);
            assertThat(r.reader.errorMessage()).isEqualTo("data packet longer (65537) than max of 65536");
            assertThat(r.handler.frames()).isEmpty();
        } else {
            assertThat(r.reader.error()).isNull();
            assertThat(PacketFlyweight.packetLength((int) r.handler.onlyFrame().length())).isEqualTo(packetLength);
        }
    }

    @ParameterizedTest(name = "payload {0} bytes")
    @ValueSource(ints = {0, 31, 32, 33})
    @DisplayName("B16: a SendPacket shorter than 32 bytes closes the connection; 32 (empty packet) is read")
    void sendPacketShorterThanTheKeyIsFatal(final int length) {
        final Readers r = Readers.server(false);
        r.feed(frame(FrameType.SEND_PACKET, new byte[length]));
        if (length < 32) {
            assertThat(r.reader.error()).isEqualTo(FrameError.SEND_PACKET_TOO_SHORT);
            assertThat(r.reader.errorMessage()).startsWith("short send packet frame");
        } else {
            assertThat(r.reader.error()).isNull();
            assertThat(r.handler.onlyFrame().length()).isEqualTo(length);
        }
    }

    // ---- unknown frames (B20) ----

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0x7f, FrameType.PONG, FrameType.KEEP_ALIVE, FrameType.SERVER_KEY, FrameType.CLIENT_INFO,
        FrameType.RECV_PACKET, FrameType.HEALTH, 0x0b, 0xff})
    @DisplayName("B20: the server skips frame types it does not handle and processes the next frame")
    void unknownFramesAreSkipped(final int type) {
        final Readers r = Readers.server(false);
        r.feed(concat(frame(type, new byte[3]), PING));
        assertThat(r.reader.error()).isNull();
        assertThat(r.handler.onlyFrame().type()).isEqualTo(FrameType.PING);
        assertThat(r.reader.dropCount(FrameDrop.UNKNOWN_TYPE)).isEqualTo(1);
    }

    @Test
    @DisplayName("B20: an unknown frame of any length is discarded without being buffered")
    void unknownFramesAreNeverBuffered() {
        final Readers r = Readers.server(false);
        final long length = 0xFFFF_FFF0L;
        r.feed(header(0x7f, length));
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[1 << 20]);
        long fed = 0;
        while (fed < length) {
            final int n = (int) Math.min(chunk.capacity(), length - fed);
            assertThat(r.reader.onData(chunk, 0, n)).isEqualTo(n);
            fed += n;
        }
        r.feed(PING);
        assertThat(r.handler.onlyFrame().type()).isEqualTo(FrameType.PING);
        assertThat(r.reader.stagingCapacity()).isZero();
    }

    // ---- Ping (B27) ----

    @ParameterizedTest(name = "Ping payload {0} bytes")
    @ValueSource(ints = {7, 8, 9, 999, 1000, 1001})
    @DisplayName("B27: Ping below 8 or above 1000 bytes closes the connection; in between the first 8 are delivered")
    void pingLengthLimits(final int length) {
        final Readers r = Readers.server(false);
        final byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i + 1);
        }
        r.feed(frame(FrameType.PING, payload));
        if (length < FrameLimits.PING_DATA_LENGTH) {
            assertThat(r.reader.error()).isEqualTo(FrameError.PING_TOO_SHORT);
            assertThat(r.reader.errorMessage()).startsWith("short ping");
        } else if (length > FrameLimits.SERVER_PING_MAX_LENGTH) {
            assertThat(r.reader.error()).isEqualTo(FrameError.PING_TOO_LARGE);
            assertThat(r.reader.errorMessage()).startsWith("ping body too large").contains("1001");
        } else {
            assertThat(r.reader.error()).isNull();
            assertThat(r.handler.onlyFrame().hex()).isEqualTo("0102030405060708");
        }
    }

    @Test
    @DisplayName("B27: the server's Pong echoes the Ping's 8 bytes")
    void pongEchoesThePingData() {
        final Readers r = Readers.server(false);
        r.feed(PING);
        final byte[] ping = r.handler.onlyPayload();
        final UnsafeBuffer pong = new UnsafeBuffer(new byte[PingFlyweight.FRAME_LENGTH]);
        PingFlyweight.encodePong(pong, 0, new UnsafeBuffer(ping), 0);
        assertThat(FrameHeaderFlyweight.type(pong, 0)).isEqualTo(FrameType.PONG);
        final byte[] data = new byte[8];
        pong.getBytes(HEADER_LENGTH, data);
        assertThat(data).isEqualTo(ping);
    }

    // ---- NotePreferred (B30) ----

    @ParameterizedTest(name = "NotePreferred payload {0} bytes")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("B30: NotePreferred must be exactly 1 byte; 0 or 2 bytes close the connection")
    void notePreferredMustBeOneByte(final int length) {
        final Readers r = Readers.server(false);
        final byte[] payload = new byte[length];
        if (length > 0) {
            payload[0] = 1;
        }
        r.feed(frame(FrameType.NOTE_PREFERRED, payload));
        if (length == 1) {
            assertThat(r.reader.error()).isNull();
            assertThat(NotePreferredFlyweight.preferred(new UnsafeBuffer(r.handler.onlyPayload()), 0)).isTrue();
        } else {
            assertThat(r.reader.error()).isEqualTo(FrameError.NOTE_PREFERRED_WRONG_SIZE);
            assertThat(r.reader.errorMessage()).startsWith("frameNotePreferred wrong size");
        }
    }

    @Test
    void notePreferredAnyNonZeroByteMeansPreferred() {
        final Readers r = Readers.server(false);
        r.feed(concat(frame(FrameType.NOTE_PREFERRED, new byte[] {0}), frame(FrameType.NOTE_PREFERRED, new byte[] {(byte) 0x80})));
        assertThat(r.handler.frames()).extracting(RecordingHandler.Event::hex).containsExactly("00", "80");
        assertThat(NotePreferredFlyweight.preferred(new UnsafeBuffer(new byte[] {(byte) 0x80}), 0)).isTrue();
    }

    // ---- mesh-only frames (B31) ----

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {FrameType.WATCH_CONNS, FrameType.FORWARD_PACKET, FrameType.CLOSE_PEER})
    @DisplayName("B31: WatchConns, ForwardPacket and ClosePeer from a non-mesh client close the connection")
    void meshFramesFromNonMeshClientAreFatal(final int type) {
        final Readers r = Readers.server(false);
        r.feed(wellFormed(type));
        assertThat(r.reader.error()).isEqualTo(FrameError.INSUFFICIENT_PERMISSIONS);
        assertThat(r.reader.errorMessage()).startsWith("insufficient permissions");
        assertThat(r.handler.frames()).isEmpty();
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {FrameType.WATCH_CONNS, FrameType.FORWARD_PACKET, FrameType.CLOSE_PEER})
    @DisplayName("B31: a verified mesh peer may send WatchConns, ForwardPacket and ClosePeer")
    void meshFramesFromMeshPeerAreDelivered(final int type) {
        final Readers r = Readers.server(true);
        r.feed(wellFormed(type));
        assertThat(r.reader.error()).isNull();
        assertThat(r.reader.isMeshPeer()).isTrue();
        assertThat(r.handler.onlyFrame().type()).isEqualTo(type);
    }

    private static byte[] wellFormed(final int type) {
        switch (type) {
            case FrameType.WATCH_CONNS:
                return frame(type, new byte[0]);
            case FrameType.CLOSE_PEER:
                return frame(type, new byte[32]);
            default:
                return frame(type, new byte[64 + 10]);
        }
    }

    @ParameterizedTest(name = "ClosePeer payload {0} bytes")
    @ValueSource(ints = {31, 32, 33})
    @DisplayName("B31: ClosePeer must be exactly 32 bytes, checked before the permission")
    void closePeerSizeIsCheckedBeforePermission(final int length) {
        final Readers nonMesh = Readers.server(false);
        nonMesh.feed(frame(FrameType.CLOSE_PEER, new byte[length]));
        assertThat(nonMesh.reader.error())
            .isEqualTo(length == 32 ? FrameError.INSUFFICIENT_PERMISSIONS : FrameError.CLOSE_PEER_WRONG_SIZE);
        final Readers mesh = Readers.server(true);
        mesh.feed(frame(FrameType.CLOSE_PEER, new byte[length]));
        assertThat(mesh.reader.error()).isEqualTo(length == 32 ? null : FrameError.CLOSE_PEER_WRONG_SIZE);
    }

    @Test
    @DisplayName("B31: WatchConns with a payload is wrong size, checked before the permission")
    void watchConnsSizeIsCheckedBeforePermission() {
        final Readers r = Readers.server(false);
        r.feed(frame(FrameType.WATCH_CONNS, new byte[1]));
        assertThat(r.reader.error()).isEqualTo(FrameError.WATCH_CONNS_WRONG_SIZE);
        assertThat(r.reader.errorMessage()).startsWith("handleFrameWatchConns wrong size");
    }

    @Test
    @DisplayName("B31: ForwardPacket permission is checked before its size")
    void forwardPacketPermissionIsCheckedBeforeSize() {
        final Readers nonMesh = Readers.server(false);
        nonMesh.feed(frame(FrameType.FORWARD_PACKET, new byte[10]));
        assertThat(nonMesh.reader.error()).isEqualTo(FrameError.INSUFFICIENT_PERMISSIONS);
        final Readers mesh = Readers.server(true);
        mesh.feed(frame(FrameType.FORWARD_PACKET, new byte[63]));
        assertThat(mesh.reader.error()).isEqualTo(FrameError.FORWARD_PACKET_TOO_SHORT);
        assertThat(mesh.reader.errorMessage()).startsWith("short send packet frame");
    }

    @ParameterizedTest(name = "packet {0} bytes")
    @ValueSource(ints = {FrameLimits.MAX_PACKET_SIZE - 1, FrameLimits.MAX_PACKET_SIZE, FrameLimits.MAX_PACKET_SIZE + 1})
    void forwardPacketMaxPacketSize(final int packetLength) {
        final Readers r = Readers.server(true);
        r.feed(frame(FrameType.FORWARD_PACKET, new byte[64 + packetLength]));
        if (packetLength > FrameLimits.MAX_PACKET_SIZE) {
            assertThat(r.reader.error()).isEqualTo(FrameError.FORWARD_PACKET_TOO_LONG);
            assertThat(r.reader.errorMessage()).isEqualTo("data packet longer (65537) than max of 65536");
        } else {
            assertThat(ForwardPacketFlyweight.packetLength((int) r.handler.onlyFrame().length())).isEqualTo(packetLength);
        }
    }

    // ---- EOF ----

    @Test
    void endOfStreamInsideAHeaderIsTruncatedHeader() {
        final Readers r = Readers.server(false);
        r.feed(new byte[] {FrameType.PING, 0, 0});
        assertThat(r.reader.onEndOfStream()).isEqualTo(StreamEnd.TRUNCATED_HEADER);
        assertThat(r.reader.errorMessage()).contains("3 of 5");
    }

    @Test
    void stagingNeverExceedsTheServerLimit() {
        assertThat(FrameRules.server().stagingLimit()).isEqualTo(FrameLimits.CLIENT_INFO_MAX_LENGTH);
        assertThat(FrameRules.client().stagingLimit()).isEqualTo(FrameLimits.CLIENT_MAX_FRAME_LENGTH);
        assertThat(FrameRules.clientFastStart().stagingLimit()).isEqualTo(FrameLimits.CLIENT_MAX_FRAME_LENGTH);
    }
}
