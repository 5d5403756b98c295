package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static io.derpring.testing.Vectors.hex;
import static io.derpring.testing.Vectors.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of {@code vectors/derp_frames.json}: frames, upstream goldens and malformed inputs (SPEC §6 B1, B2). */
class FrameVectorsTest {
    private static final JsonNode VECTORS = Vectors.load("derp_frames.json");

    static Stream<Arguments> frames() {
        return cases(VECTORS.get("frames"), "name");
    }

    static Stream<Arguments> headers() {
        return cases(VECTORS.get("upstream_goldens").get("headers"), "name");
    }

    static Stream<Arguments> clientRecv() {
        return cases(VECTORS.get("upstream_goldens").get("client_recv"), "name");
    }

    static Stream<Arguments> clientSend() {
        return cases(VECTORS.get("upstream_goldens").get("client_send"), "name");
    }

    static Stream<Arguments> malformed() {
        return cases(VECTORS.get("malformed"), "desc");
    }

    private static Stream<Arguments> cases(final JsonNode array, final String nameField) {
        final List<Arguments> out = new ArrayList<>();
        array.forEach(c -> out.add(Arguments.of("derp_frames.json: " + c.get(nameField).asText(), c)));
        return out.stream();
    }

    @Test
    void vectorFileHasTheCaseCountsItsReadmePromises() {
        assertThat(VECTORS.get("frames")).hasSize(27);
        assertThat(VECTORS.get("malformed")).hasSize(29);
        assertThat(toHex(DerpProtocol.magic().byteArray())).isEqualTo(VECTORS.get("magic_hex").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    @DisplayName("B2: frame encodes byte-for-byte from its inputs and decodes back")
    void frameEncodesAndDecodes(final String name, final JsonNode c) throws Exception {
        final byte[] expected = hex(c.get("frame_hex"));
        final int type = c.get("type").asInt();
        assertThat(FrameHeaderFlyweight.type(new UnsafeBuffer(expected), 0)).isEqualTo(type);
        assertThat(FrameHeaderFlyweight.payloadLength(new UnsafeBuffer(expected), 0)).isEqualTo(c.get("payload_len").asLong());
        final JsonNode in = c.get("inputs");
        final UnsafeBuffer out = new UnsafeBuffer(new byte[expected.length + 64]);
        final int at = 7; // encoders write at any offset
        final int written = encode(type, in, out, at);
        assertThat(written).isEqualTo(expected.length);
        final byte[] actual = new byte[written];
        out.getBytes(at, actual);
        assertThat(toHex(actual)).isEqualTo(c.get("frame_hex").asText());
        decodeAndCheck(type, in, expected);
    }

    private static int encode(final int type, final JsonNode in, final UnsafeBuffer out, final int at) {
        switch (type) {
            case FrameType.SERVER_KEY:
                return ServerKeyFlyweight.encode(out, at, node(in, "server_public"));
            case FrameType.CLIENT_INFO:
                return ClientInfoFrame.seal(new NaclBox(), priv(in, "client_private"), node(in, "server_public"),
                    clientInfo(in.get("json").asText()), new UnsafeBuffer(hex(in.get("nonce"))), 0, out, at);
            case FrameType.SERVER_INFO:
                return ServerInfoFrame.seal(new NaclBox(), priv(in, "server_private"), node(in, "client_public"),
                    serverInfo(in.get("json").asText()), new UnsafeBuffer(hex(in.get("nonce"))), 0, out, at);
            case FrameType.SEND_PACKET: {
                final byte[] packet = hex(in.get("packet"));
                return PacketFlyweight.encodeSendPacket(out, at, node(in, "dst_public"), new UnsafeBuffer(packet), 0, packet.length);
            }
            case FrameType.RECV_PACKET: {
                final byte[] packet = hex(in.get("packet"));
                return PacketFlyweight.encodeRecvPacket(out, at, node(in, "src_public"), new UnsafeBuffer(packet), 0, packet.length);
            }
            case FrameType.FORWARD_PACKET: {
                final byte[] packet = hex(in.get("packet"));
                return ForwardPacketFlyweight.encode(out, at, node(in, "src_public"), node(in, "dst_public"),
                    new UnsafeBuffer(packet), 0, packet.length);
            }
            case FrameType.KEEP_ALIVE:
                return EmptyFrameFlyweight.encodeKeepAlive(out, at);
            case FrameType.WATCH_CONNS:
                return EmptyFrameFlyweight.encodeWatchConns(out, at);
            case FrameType.NOTE_PREFERRED:
                return NotePreferredFlyweight.encode(out, at, in.get("preferred").asBoolean());
            case FrameType.PEER_GONE:
                return in.has("reason")
                    ? PeerGoneFlyweight.encode(out, at, node(in, "peer"), in.get("reason").asInt())
                    : PeerGoneFlyweight.encodeWithoutReason(out, at, node(in, "peer"));
            case FrameType.PEER_PRESENT:
                if (!in.has("ipport")) {
                    return PeerPresentFlyweight.encode(out, at, node(in, "peer"));
                }
                return PeerPresentFlyweight.encodeWithSocketAddress(out, at, node(in, "peer"),
                    ipPort(in.get("ipport").asText()), in.has("flags") ? in.get("flags").asInt() : -1);
            case FrameType.CLOSE_PEER:
                return ClosePeerFlyweight.encode(out, at, node(in, "peer"));
            case FrameType.PING:
                return PingFlyweight.encodePing(out, at, new UnsafeBuffer(hex(in.get("data"))).getLong(0, ByteOrder.BIG_ENDIAN));
            case FrameType.PONG:
                return PingFlyweight.encodePong(out, at, new UnsafeBuffer(hex(in.get("data"))), 0);
            case FrameType.HEALTH:
                return HealthFlyweight.encode(out, at, in.get("problem").asText());
            case FrameType.RESTARTING:
                return RestartingFlyweight.encode(out, at, in.get("reconnect_in_ms").asLong(), in.get("try_for_ms").asLong());
            default:
                throw new AssertionError("no encoder for vector type " + type);
        }
    }

    /** Decodes through the receiving side's reader, then checks every field with the flyweight accessors. */
    private static void decodeAndCheck(final int type, final JsonNode in, final byte[] frame) throws Exception {
        final Readers side = receiver(type);
        assertThat(side.feed(frame)).isEqualTo(frame.length);
        assertThat(side.reader.error()).as("reader error").isNull();
        final RecordingHandler.Event event = side.handler.onlyFrame();
        assertThat(event.type()).isEqualTo(type);
        final byte[] payloadBytes = side.handler.onlyPayload();
        final UnsafeBuffer p = new UnsafeBuffer(payloadBytes);
        final int n = payloadBytes.length;
        switch (type) {
            case FrameType.SERVER_KEY:
                assertThat(ServerKeyFlyweight.isValidGreeting(p, 0, n)).isTrue();
                assertThat(node(in, "server_public").matches(p, ServerKeyFlyweight.serverKeyOffset(0))).isTrue();
                break;
            case FrameType.CLIENT_INFO: {
                final ClientInfoFrame.Opened opened = ClientInfoFrame.open(new NaclBox(), priv(in, "server_private"), p, 0, n);
                assertThat(opened.clientKey()).isEqualTo(node(in, "client_public"));
                assertThat(new String(opened.info().toJson(), StandardCharsets.UTF_8)).isEqualTo(in.get("json").asText());
                break;
            }
            case FrameType.SERVER_INFO: {
                final ServerInfo info = ServerInfoFrame.open(new NaclBox(), priv(in, "client_private"),
                    priv(in, "server_private").publicKey(), p, 0, n);
                assertThat(new String(info.toJson(), StandardCharsets.UTF_8)).isEqualTo(in.get("json").asText());
                break;
            }
            case FrameType.SEND_PACKET:
                assertThat(node(in, "dst_public").matches(p, PacketFlyweight.keyOffset(0))).isTrue();
                assertThat(slice(p, PacketFlyweight.packetOffset(0), PacketFlyweight.packetLength(n))).isEqualTo(in.get("packet").asText());
                break;
            case FrameType.RECV_PACKET:
                assertThat(node(in, "src_public").matches(p, PacketFlyweight.keyOffset(0))).isTrue();
                assertThat(slice(p, PacketFlyweight.packetOffset(0), PacketFlyweight.packetLength(n))).isEqualTo(in.get("packet").asText());
                break;
            case FrameType.FORWARD_PACKET:
                assertThat(node(in, "src_public").matches(p, ForwardPacketFlyweight.sourceKeyOffset(0))).isTrue();
                assertThat(node(in, "dst_public").matches(p, ForwardPacketFlyweight.destinationKeyOffset(0))).isTrue();
                assertThat(slice(p, ForwardPacketFlyweight.packetOffset(0), ForwardPacketFlyweight.packetLength(n)))
                    .isEqualTo(in.get("packet").asText());
                break;
            case FrameType.KEEP_ALIVE:
            case FrameType.WATCH_CONNS:
                assertThat(n).isZero();
                break;
            case FrameType.NOTE_PREFERRED:
                assertThat(NotePreferredFlyweight.preferred(p, 0)).isEqualTo(in.get("preferred").asBoolean());
                break;
            case FrameType.PEER_GONE:
                assertThat(PeerGoneFlyweight.readPeer(p, 0)).isEqualTo(node(in, "peer"));
                assertThat(PeerGoneFlyweight.reason(p, 0, n))
                    .isEqualTo(in.has("reason") ? in.get("reason").asInt() : in.get("reason_decoded").asInt());
                break;
            case FrameType.PEER_PRESENT:
                assertThat(PeerPresentFlyweight.readPeer(p, 0)).isEqualTo(node(in, "peer"));
                assertThat(PeerPresentFlyweight.hasEndpoint(n)).isEqualTo(in.has("ipport"));
                if (in.has("ipport")) {
                    assertThat(PeerPresentFlyweight.readSocketAddress(p, 0, n)).isEqualTo(ipPort(in.get("ipport").asText()));
                }
                assertThat(PeerPresentFlyweight.flags(p, 0, n)).isEqualTo(in.has("flags") ? in.get("flags").asInt() : 0);
                break;
            case FrameType.CLOSE_PEER:
                assertThat(ClosePeerFlyweight.readPeer(p, 0)).isEqualTo(node(in, "peer"));
                break;
            case FrameType.PING:
            case FrameType.PONG:
                assertThat(toHex(payloadBytes)).isEqualTo(in.get("data").asText());
                break;
            case FrameType.HEALTH:
                assertThat(HealthFlyweight.readProblem(p, 0, n)).isEqualTo(in.get("problem").asText());
                assertThat(HealthFlyweight.isHealthy(n)).isEqualTo(in.get("problem").asText().isEmpty());
                break;
            case FrameType.RESTARTING:
                assertThat(RestartingFlyweight.reconnectInMs(p, 0)).isEqualTo(in.get("reconnect_in_ms").asLong());
                assertThat(RestartingFlyweight.tryForMs(p, 0)).isEqualTo(in.get("try_for_ms").asLong());
                break;
            default:
                throw new AssertionError("no decoder check for vector type " + type);
        }
    }

    /** The reader that receives this type: server-bound frames go to a (mesh) server, the rest to a client. */
    private static Readers receiver(final int type) {
        switch (type) {
            case FrameType.SERVER_KEY:
                return Readers.clientHandshake();
            case FrameType.CLIENT_INFO:
                return Readers.serverHandshake(false);
            case FrameType.SEND_PACKET:
            case FrameType.NOTE_PREFERRED:
            case FrameType.FORWARD_PACKET:
            case FrameType.WATCH_CONNS:
            case FrameType.CLOSE_PEER:
            case FrameType.PING:
                return Readers.server(true);
            default:
                return Readers.client();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    @DisplayName("B1: Go golden header parses to its type and unsigned length")
    void goldenHeaderParses(final String name, final JsonNode c) {
        final UnsafeBuffer b = new UnsafeBuffer(hex(c.get("hex")));
        assertThat(FrameHeaderFlyweight.type(b, 0)).isEqualTo(c.get("type").asInt());
        assertThat(FrameHeaderFlyweight.payloadLength(b, 0)).isEqualTo(c.get("len").asLong());
        if (c.get("len").asLong() <= FrameLimits.MAX_WRITE_PAYLOAD_LENGTH) {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[HEADER_LENGTH]);
            FrameHeaderFlyweight.write(out, 0, c.get("type").asInt(), c.get("len").asInt());
            assertThat(toHex(out.byteArray())).isEqualTo(c.get("hex").asText());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientRecv")
    @DisplayName("B26: Go TestClientRecv golden is delivered by the client without error")
    void goldenClientRecvDecodes(final String name, final JsonNode c) {
        final Readers client = Readers.client();
        client.feed(hex(c.get("hex")));
        assertThat(client.reader.error()).isNull();
        final UnsafeBuffer p = new UnsafeBuffer(client.handler.onlyPayload());
        final int n = p.capacity();
        final JsonNode decoded = c.get("decoded");
        final int type = client.handler.onlyFrame().type();
        if (decoded.has("Ping")) {
            assertThat(type).isEqualTo(FrameType.PING);
            assertThat(toHex(p.byteArray())).isEqualTo(decoded.get("Ping").asText());
        } else if (decoded.has("Pong")) {
            assertThat(type).isEqualTo(FrameType.PONG);
            assertThat(toHex(p.byteArray())).isEqualTo(decoded.get("Pong").asText());
        } else if (decoded.has("Health")) {
            assertThat(type).isEqualTo(FrameType.HEALTH);
            assertThat(HealthFlyweight.readProblem(p, 0, n)).isEqualTo(decoded.get("Health").asText());
        } else if (decoded.has("Restarting")) {
            assertThat(type).isEqualTo(FrameType.RESTARTING);
            assertThat(RestartingFlyweight.reconnectInMs(p, 0)).isEqualTo(decoded.get("Restarting").get("reconnect_in_ms").asLong());
            assertThat(RestartingFlyweight.tryForMs(p, 0)).isEqualTo(decoded.get("Restarting").get("try_for_ms").asLong());
        } else {
            fail("unrecognised decoded form " + decoded);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientSend")
    void goldenClientSendEncodes(final String name, final JsonNode c) {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[PingFlyweight.FRAME_LENGTH]);
        final long data = 0x0102030405060708L;
        if (name.contains("SendPing")) {
            PingFlyweight.encodePing(out, 0, data);
        } else if (name.contains("SendPong")) {
            PingFlyweight.encodePong(out, 0, data);
        } else {
            fail("unrecognised client_send case");
        }
        assertThat(toHex(out.byteArray())).isEqualTo(c.get("hex").asText());
    }

    /** Each {@code malformed} case, fed to the side it names, with the outcome its {@code expect} text states. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputHasItsStatedOutcome(final String name, final JsonNode c) throws Exception {
        final String side = c.get("side").asText();
        if (side.equals("either")) {
            checkMalformed(c, "client");
            checkMalformed(c, "server");
        } else {
            checkMalformed(c, side);
        }
    }

    private static void checkMalformed(final JsonNode c, final String side) throws Exception {
        final String desc = c.get("desc").asText();
        final String expect = c.get("expect").asText();
        final byte[] bytes = hex(c.get("hex"));
        final Readers r = readerFor(side, desc);
        final int consumed = r.feed(bytes);
        final String context = side + " <- " + desc + ": " + r.handler.events;
        if (expect.startsWith("fatal")) {
            final String quoted = quoted(expect);
            if ("msgbox: cannot open".equals(quoted)) {
                // Frame level passes; the box is what fails (B7).
                assertThat(r.reader.error()).as(context).isNull();
                final byte[] payload = r.handler.onlyPayload();
                assertThatThrownBy(() -> ClientInfoFrame.open(new NaclBox(), serverPrivate(), new UnsafeBuffer(payload), 0, payload.length))
                    .isInstanceOfSatisfying(DerpProtocolException.class, e -> {
                        assertThat(e.error()).isEqualTo(FrameError.CLIENT_INFO_OPEN_FAILED);
                        assertThat(e.getMessage()).contains(quoted);
                    });
                return;
            }
            assertThat(r.reader.error()).as(context).isNotNull();
            assertThat(r.reader.isClosed()).isTrue();
            assertThat(r.handler.frames()).as(context).isEmpty();
            if (quoted != null) {
                assertThat(r.reader.errorMessage()).as(context).contains(quoted);
            } else {
                assertThat(expect).contains("maxSize 1<<10");
                assertThat(r.reader.error()).isEqualTo(FrameError.SERVER_KEY_TOO_LONG);
                assertThat(r.reader.errorMessage()).contains("1024");
            }
            assertThat(r.feed(Readers.frame(FrameType.PING, new byte[8]))).as("dead reader ignores input").isZero();
        } else if (expect.startsWith("need more bytes")) {
            assertThat(consumed).isEqualTo(bytes.length);
            assertThat(r.handler.events).as(context).isEmpty();
            final StreamEnd end = r.reader.onEndOfStream();
            assertThat(end).isIn(StreamEnd.TRUNCATED_HEADER, StreamEnd.TRUNCATED_PAYLOAD);
            assertThat(end).isEqualTo(bytes.length < HEADER_LENGTH ? StreamEnd.TRUNCATED_HEADER : StreamEnd.TRUNCATED_PAYLOAD);
            assertThat(r.handler.frames()).as(context).isEmpty();
        } else if (expect.startsWith("skip unknown frame")) {
            assertThat(r.reader.error()).as(context).isNull();
            assertThat(r.reader.dropCount(FrameDrop.UNKNOWN_TYPE)).isEqualTo(1);
            final RecordingHandler.Event ping = r.handler.onlyFrame();
            assertThat(ping.type()).isEqualTo(FrameType.PING);
            assertThat(ping.hex()).isEqualTo(lastWord(expect));
        } else if (expect.startsWith("ignored") || expect.startsWith("skipped")) {
            assertThat(r.reader.error()).as(context).isNull();
            assertThat(r.handler.frames()).as(context).isEmpty();
            assertThat(r.reader.dropCount(FrameDrop.UNKNOWN_TYPE)).isEqualTo(1);
            assertKeepsReading(r);
        } else if (expect.startsWith("dropped")) {
            assertThat(r.reader.error()).as(context).isNull();
            assertThat(r.handler.frames()).as(context).isEmpty();
            assertThat(r.handler.drops()).as(context).hasSize(1);
            assertThat(r.handler.drops().get(0).reason()).isEqualTo(expectedDrop(bytes[0] & 0xFF).name());
            assertKeepsReading(r);
        } else if (expect.startsWith("Ping message with first 8 bytes")) {
            assertThat(r.reader.error()).as(context).isNull();
            assertThat(r.handler.onlyFrame().type()).isEqualTo(FrameType.PING);
            assertThat(r.handler.onlyFrame().hex()).isEqualTo(expect.split(" ")[6].replace(";", ""));
        } else if (expect.startsWith("accepted; server key = bytes 8..40")) {
            assertThat(r.reader.error()).as(context).isNull();
            assertThat(r.reader.inHandshake()).isFalse();
            final byte[] payload = r.handler.onlyPayload();
            assertThat(payload).hasSize(ServerKeyFlyweight.PAYLOAD_LENGTH);
            assertThat(toHex(payload).substring(16)).isEqualTo(toHex(bytes).substring(2 * (HEADER_LENGTH + 8), 2 * (HEADER_LENGTH + 40)));
        } else if (expect.startsWith("accepted (MaxPacketSize")) {
            assertThat(r.reader.error()).as(context).isNull();
            assertThat(r.handler.events).isEmpty();
            final long length = FrameHeaderFlyweight.payloadLength(new UnsafeBuffer(bytes), 0);
            r.feed(new byte[(int) length]);
            assertThat(r.reader.error()).isNull();
            assertThat(r.handler.onlyFrame().length()).isEqualTo(length);
        } else {
            fail("no rule for expect text: " + expect);
        }
    }

    /** Reader for a case: handshake cases get a reader that has not read its first frame, the rest a steady one. */
    private static Readers readerFor(final String side, final String desc) {
        if (side.equals("client")) {
            if (desc.startsWith("client handshake")) {
                return Readers.clientHandshake();
            }
            return desc.contains("fast-start") ? Readers.clientFastStart() : Readers.client();
        }
        if (desc.contains("ClientInfo") || desc.contains("first client frame")) {
            return Readers.serverHandshake(false);
        }
        return Readers.server(false);
    }

    private static void assertKeepsReading(final Readers r) {
        r.handler.events.clear();
        r.feed(Readers.frame(FrameType.PING, hex("0102030405060708")));
        assertThat(r.handler.onlyFrame().hex()).isEqualTo("0102030405060708");
    }

    private static FrameDrop expectedDrop(final int type) {
        switch (type) {
            case FrameType.RECV_PACKET:
                return FrameDrop.RECV_PACKET_TOO_SHORT;
            case FrameType.PEER_GONE:
                return FrameDrop.PEER_GONE_TOO_SHORT;
            case FrameType.PING:
                return FrameDrop.PING_TOO_SHORT;
            case FrameType.RESTARTING:
                return FrameDrop.RESTARTING_TOO_SHORT;
            default:
                throw new AssertionError("no drop expected for type " + type);
        }
    }

    private static String quoted(final String expect) {
        final int open = expect.indexOf('\'');
        if (open < 0) {
            return null;
        }
        return expect.substring(open + 1, expect.indexOf('\'', open + 1));
    }

    private static String lastWord(final String text) {
        final String[] words = text.trim().split(" ");
        return words[words.length - 1];
    }

    static NodeKey node(final JsonNode in, final String field) {
        return NodeKey.fromBytes(hex(in.get(field)));
    }

    static NodePrivateKey priv(final JsonNode in, final String field) {
        return NodePrivateKey.fromBytes(hex(in.get(field)));
    }

    static NodePrivateKey serverPrivate() {
        return NodePrivateKey.fromBytes(hex(VECTORS.get("keys").get("server-node").get("private_hex")));
    }

    private static ClientInfo clientInfo(final String json) {
        try {
            final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            return ClientInfo.fromJson(bytes, bytes.length);
        } catch (final DerpProtocolException e) {
            throw new AssertionError(e);
        }
    }

    private static ServerInfo serverInfo(final String json) {
        try {
            return ServerInfo.fromJson(json.getBytes(StandardCharsets.UTF_8), json.length());
        } catch (final DerpProtocolException e) {
            throw new AssertionError(e);
        }
    }

    static InetSocketAddress ipPort(final String text) {
        final int colon = text.lastIndexOf(':');
        final String host = text.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(text.substring(colon + 1)));
        } catch (final UnknownHostException e) {
            throw new AssertionError("literal addresses never resolve", e);
        }
    }

    private static String slice(final UnsafeBuffer b, final int offset, final int length) {
        final byte[] out = new byte[length];
        b.getBytes(offset, out);
        return toHex(out);
    }
}
