package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.SplittableRandom;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Seeded property test: every frame type encodes and decodes back through the receiving side's reader, at any
 * buffer offset. Override the seed with {@code -Dderpring.seed=N} to replay a failure.
 */
class FrameCodecPropertyTest {
    private static final long SEED = Long.getLong("derpring.seed", 0x5eed_f4a3eL);
    private static final int CASES = 5000;
    private static final NodePrivateKey CLIENT = NodePrivateKey.generate();
    private static final NodePrivateKey SERVER = NodePrivateKey.generate();
    private static final NaclBox BOX = new NaclBox();
    private static final int[] TYPES = {FrameType.SERVER_KEY, FrameType.CLIENT_INFO, FrameType.SERVER_INFO, FrameType.SEND_PACKET, FrameType.RECV_PACKET,
        FrameType.KEEP_ALIVE, FrameType.NOTE_PREFERRED, FrameType.PEER_GONE, FrameType.PEER_PRESENT,
        FrameType.FORWARD_PACKET, FrameType.WATCH_CONNS, FrameType.CLOSE_PEER, FrameType.PING, FrameType.PONG,
        FrameType.HEALTH, FrameType.RESTARTING};

    @Test
    void everyFrameTypeRoundTripsThroughItsReader() throws Exception {
        final SplittableRandom rnd = new SplittableRandom(SEED);
        for (int i = 0; i < CASES; i++) {
            final int type = TYPES[rnd.nextInt(TYPES.length)];
            final String context = "seed=" + SEED + " case=" + i + " type=" + FrameType.name(type);
            try {
                roundTrip(rnd, type, context);
            } catch (final AssertionError | RuntimeException e) {
                throw new AssertionError(context + ": " + e.getMessage(), e);
            }
        }
    }

    private static void roundTrip(final SplittableRandom rnd, final int type, final String context) throws Exception {
        final NodeKey keyA = randomKey(rnd);
        final NodeKey keyB = randomKey(rnd);
        final byte[] packet = randomBytes(rnd, lengthUpTo(rnd, FrameLimits.MAX_PACKET_SIZE));
        final long word = rnd.nextLong();
        final int at = rnd.nextInt(64);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[at + HEADER_LENGTH + 64 + packet.length + 1024]);
        final int written;
        int reason = 0;
        int flags = -1;
        InetSocketAddress endpoint = null;
        String problem = "";
        long reconnectIn = 0;
        long tryFor = 0;
        boolean preferred = false;
        ClientInfo clientInfo = null;
        ServerInfo serverInfo = null;
        switch (type) {
            case FrameType.CLIENT_INFO:
                clientInfo = new ClientInfo(rnd.nextBoolean() ? null : MeshKey.parse(HexFormat.of().formatHex(randomBytes(rnd, 32))),
                    rnd.nextInt(4), rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean() ? "" : randomText(rnd));
                written = ClientInfoFrame.seal(BOX, CLIENT, SERVER.publicKey(), clientInfo, out, at);
                break;
            case FrameType.SERVER_INFO:
                serverInfo = new ServerInfo(rnd.nextInt(4), rnd.nextBoolean() ? 0 : rnd.nextLong(1L << 40),
                    rnd.nextBoolean() ? 0 : rnd.nextLong(1L << 40));
                written = ServerInfoFrame.seal(BOX, SERVER, CLIENT.publicKey(), serverInfo, out, at);
                break;
            case FrameType.SERVER_KEY:
                written = ServerKeyFlyweight.encode(out, at, keyA);
                break;
            case FrameType.SEND_PACKET:
                written = PacketFlyweight.encodeSendPacket(out, at, keyA, new UnsafeBuffer(packet), 0, packet.length);
                break;
            case FrameType.RECV_PACKET:
                written = rnd.nextBoolean()
                    ? PacketFlyweight.encodeRecvPacket(out, at, keyA, new UnsafeBuffer(packet), 0, packet.length)
                    : PacketFlyweight.encodeRecvPacket(out, at, new UnsafeBuffer(keyA.toBytes()), 0, new UnsafeBuffer(packet), 0, packet.length);
                break;
            case FrameType.FORWARD_PACKET:
                written = ForwardPacketFlyweight.encode(out, at, keyA, keyB, new UnsafeBuffer(packet), 0, packet.length);
                break;
            case FrameType.KEEP_ALIVE:
                written = EmptyFrameFlyweight.encodeKeepAlive(out, at);
                break;
            case FrameType.WATCH_CONNS:
                written = EmptyFrameFlyweight.encodeWatchConns(out, at);
                break;
            case FrameType.NOTE_PREFERRED:
                preferred = rnd.nextBoolean();
                written = NotePreferredFlyweight.encode(out, at, preferred);
                break;
            case FrameType.PEER_GONE:
                reason = rnd.nextBoolean() ? rnd.nextInt(256) : -1;
                written = reason >= 0 ? PeerGoneFlyweight.encode(out, at, keyA, reason)
                    : PeerGoneFlyweight.encodeWithoutReason(out, at, keyA);
                break;
            case FrameType.PEER_PRESENT:
                final int form = rnd.nextInt(3);
                if (form == 0) {
                    written = PeerPresentFlyweight.encode(out, at, keyA);
                } else {
                    endpoint = randomEndpoint(rnd);
                    flags = form == 2 ? rnd.nextInt(256) : -1;
                    written = PeerPresentFlyweight.encodeWithSocketAddress(out, at, keyA, endpoint, flags);
                }
                break;
            case FrameType.CLOSE_PEER:
                written = ClosePeerFlyweight.encode(out, at, keyA);
                break;
            case FrameType.PING:
                written = PingFlyweight.encodePing(out, at, word);
                break;
            case FrameType.PONG:
                written = rnd.nextBoolean() ? PingFlyweight.encodePong(out, at, word)
                    : PingFlyweight.encodePong(out, at, longBytes(word), 0);
                break;
            case FrameType.HEALTH:
                problem = randomText(rnd);
                written = HealthFlyweight.encode(out, at, problem);
                break;
            case FrameType.RESTARTING:
                reconnectIn = rnd.nextLong(0x1_0000_0000L);
                tryFor = rnd.nextLong(0x1_0000_0000L);
                written = RestartingFlyweight.encode(out, at, reconnectIn, tryFor);
                break;
            default:
                throw new AssertionError("type not covered");
        }
        assertThat(FrameHeaderFlyweight.type(out, at)).isEqualTo(type);
        assertThat(FrameHeaderFlyweight.payloadLength(out, at)).isEqualTo(written - HEADER_LENGTH);

        final Readers side = receiver(type);
        assertThat(side.reader.onData(out, at, written)).isEqualTo(written);
        assertThat(side.reader.error()).as("%s events %s", context, side.handler.events).isNull();
        assertThat(side.handler.onlyFrame().type()).isEqualTo(type);
        final UnsafeBuffer p = new UnsafeBuffer(side.handler.onlyPayload());
        final int n = p.capacity();
        switch (type) {
            case FrameType.CLIENT_INFO: {
                final ClientInfoFrame.Opened opened = ClientInfoFrame.open(BOX, SERVER, p, 0, n);
                assertThat(opened.clientKey()).isEqualTo(CLIENT.publicKey());
                assertThat(opened.info()).isEqualTo(clientInfo);
                break;
            }
            case FrameType.SERVER_INFO:
                assertThat(ServerInfoFrame.open(BOX, CLIENT, SERVER.publicKey(), p, 0, n)).isEqualTo(serverInfo);
                break;
            case FrameType.SERVER_KEY:
                assertThat(keyA.matches(p, ServerKeyFlyweight.serverKeyOffset(0))).isTrue();
                break;
            case FrameType.SEND_PACKET:
            case FrameType.RECV_PACKET:
                assertThat(keyA.matches(p, PacketFlyweight.keyOffset(0))).isTrue();
                assertThat(bytes(p, PacketFlyweight.packetOffset(0), PacketFlyweight.packetLength(n))).isEqualTo(packet);
                break;
            case FrameType.FORWARD_PACKET:
                assertThat(keyA.matches(p, ForwardPacketFlyweight.sourceKeyOffset(0))).isTrue();
                assertThat(keyB.matches(p, ForwardPacketFlyweight.destinationKeyOffset(0))).isTrue();
                assertThat(bytes(p, ForwardPacketFlyweight.packetOffset(0), ForwardPacketFlyweight.packetLength(n))).isEqualTo(packet);
                break;
            case FrameType.KEEP_ALIVE:
            case FrameType.WATCH_CONNS:
                assertThat(n).isZero();
                break;
            case FrameType.NOTE_PREFERRED:
                assertThat(NotePreferredFlyweight.preferred(p, 0)).isEqualTo(preferred);
                break;
            case FrameType.PEER_GONE:
                assertThat(keyA.matches(p, PeerGoneFlyweight.peerKeyOffset(0))).isTrue();
                assertThat(PeerGoneFlyweight.reason(p, 0, n)).isEqualTo(Math.max(reason, 0));
                break;
            case FrameType.PEER_PRESENT:
                assertThat(keyA.matches(p, PeerPresentFlyweight.peerKeyOffset(0))).isTrue();
                assertThat(PeerPresentFlyweight.hasEndpoint(n)).isEqualTo(endpoint != null);
                if (endpoint != null) {
                    assertThat(PeerPresentFlyweight.readSocketAddress(p, 0, n)).isEqualTo(endpoint);
                }
                assertThat(PeerPresentFlyweight.flags(p, 0, n)).isEqualTo(Math.max(flags, 0));
                break;
            case FrameType.CLOSE_PEER:
                assertThat(ClosePeerFlyweight.readPeer(p, 0)).isEqualTo(keyA);
                break;
            case FrameType.PING:
            case FrameType.PONG:
                assertThat(PingFlyweight.data(p, 0)).isEqualTo(word);
                break;
            case FrameType.HEALTH:
                assertThat(HealthFlyweight.readProblem(p, 0, n)).isEqualTo(problem);
                break;
            case FrameType.RESTARTING:
                assertThat(RestartingFlyweight.reconnectInMs(p, 0)).isEqualTo(reconnectIn);
                assertThat(RestartingFlyweight.tryForMs(p, 0)).isEqualTo(tryFor);
                break;
            default:
                throw new AssertionError("type not covered");
        }
    }

    private static Readers receiver(final int type) {
        switch (type) {
            case FrameType.CLIENT_INFO:
                return Readers.serverHandshake(false);
            case FrameType.SERVER_KEY:
                return Readers.clientHandshake();
            case FrameType.SEND_PACKET:
            case FrameType.NOTE_PREFERRED:
            case FrameType.FORWARD_PACKET:
            case FrameType.WATCH_CONNS:
            case FrameType.CLOSE_PEER:
                return Readers.server(true);
            case FrameType.PING:
                return Readers.server(false);
            default:
                return Readers.client();
        }
    }

    private static int lengthUpTo(final SplittableRandom rnd, final int max) {
        switch (rnd.nextInt(4)) {
            case 0:
                return rnd.nextInt(4);
            case 1:
                return max - rnd.nextInt(4);
            default:
                return rnd.nextInt(2000);
        }
    }

    static NodeKey randomKey(final SplittableRandom rnd) {
        return NodeKey.fromBytes(randomBytes(rnd, 32));
    }

    static byte[] randomBytes(final SplittableRandom rnd, final int n) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    private static InetSocketAddress randomEndpoint(final SplittableRandom rnd) throws Exception {
        final byte[] ip = randomBytes(rnd, rnd.nextBoolean() ? 4 : 16);
        if (ip.length == 16 && ip[10] == (byte) 0xff && ip[11] == (byte) 0xff) {
            ip[0] = 0x20; // keep a 16-byte address out of ::ffff:0:0/96, which Java itself unmaps
        }
        return new InetSocketAddress(InetAddress.getByAddress(ip), rnd.nextInt(65536));
    }

    private static String randomText(final SplittableRandom rnd) {
        final StringBuilder sb = new StringBuilder();
        final int n = rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            final int kind = rnd.nextInt(4);
            sb.appendCodePoint(kind == 0 ? 0x20 + rnd.nextInt(95) : kind == 1 ? 0xa0 + rnd.nextInt(0x700)
                : kind == 2 ? 0x1f600 + rnd.nextInt(50) : 'a' + rnd.nextInt(26));
        }
        return sb.toString();
    }

    private static UnsafeBuffer longBytes(final long word) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[8]);
        b.putLong(0, word, ByteOrder.BIG_ENDIAN);
        return b;
    }

    private static byte[] bytes(final UnsafeBuffer b, final int offset, final int length) {
        final byte[] out = new byte[length];
        b.getBytes(offset, out);
        return out;
    }
}
