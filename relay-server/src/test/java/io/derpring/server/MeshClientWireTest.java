package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.server.DerpTestClient.Mode.HTTP;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.internal.relay.MeshPeer;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bytes derpring's mesh client puts on the wire, checked against a scripted peer that speaks as Go's derper and
 * against the golden frames of {@code vectors/derp_frames.json} (SPEC §1.3, §2.3): the upgrade request, ClientInfo
 * JSON with {@code meshKey}, WatchConns; it understands PeerPresent with flags; it forwards as ForwardPacket (0x0a).
 * Go's derper cannot be built here: these bytes are the interop proof.
 */
@Timeout(60)
class MeshClientWireTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** derp_frames.json {@code mesh_key_hex}. */
    private static final String MESH_HEX = "f35b31f0912964e89672dca97b25829b77a73e845ba504083e17239f5733b65c";
    /** derp_frames.json keys: the scripted peer is "server-node", the local client "client-node". */
    private static final NodePrivateKey PEER_SERVER = NodePrivateKey.fromBytes(
        HEX.parseHex("1012f035c71849df8ccda065cad82aaec025531b30cb5b0f65973335e303be52"));
    private static final NodePrivateKey CLIENT = NodePrivateKey.fromBytes(
        HEX.parseHex("28fe9fd0c8a97466c8a7545f719c919208c5cec93ba1285451fc9a756cb76855"));
    /** derp_frames.json "PeerPresent (key + ip:port + flags=IsRegular)": peer-node at 198.51.100.10:41641. */
    private static final String PEER_PRESENT_REGULAR =
        "0900000033ee11b4687311d5c5dbb92e273903b3009ee280014b8aefcf58a270a7f12b4b4200000000000000000000ffffc633640aa2a901";
    private static final NodeKey PEER_NODE =
        NodeKey.parseHex("ee11b4687311d5c5dbb92e273903b3009ee280014b8aefcf58a270a7f12b4b42");
    /** derp_frames.json "ForwardPacket": client-node to peer-node. */
    private static final String FORWARD_PACKET = "0a00000060fd08e13230ede3b15adde3d3bd4ba875098a21413f63e408b731fdce3ac23172"
        + "ee11b4687311d5c5dbb92e273903b3009ee280014b8aefcf58a270a7f12b4b4204000000000102030405060708090a0b0c0d0e0f"
        + "101112131415161718191a1b";
    private static final byte[] PACKET = HEX.parseHex("04000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b");
    private static final String WATCH_CONNS = "1000000000";

    private ServerSocket scripted;
    private DerpRelayServer relay;

    @BeforeEach
    void start() throws Exception {
        scripted = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        relay = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress("127.0.0.1", 0))
            .meshKey(MeshKey.parse(MESH_HEX))
            .meshWith(List.of(MeshAddress.parse("http://127.0.0.1:" + scripted.getLocalPort()))).build().start();
    }

    @AfterEach
    void stop() throws IOException {
        if (relay != null) {
            relay.close();
        }
        scripted.close();
    }

    @Test
    void theMeshClientSpeaksGosMeshProtocolByteForByte() throws Exception {
        scripted.setSoTimeout(10_000);
        try (Socket s = scripted.accept()) {
            s.setSoTimeout(10_000);
            final DataInputStream in = new DataInputStream(s.getInputStream());
            final OutputStream out = s.getOutputStream();

            final String request = readHead(in);
            assertThat(request).startsWith("GET /derp HTTP/1.1\r\n").contains("\r\nUpgrade: DERP\r\n")
                .contains("\r\nConnection: Upgrade\r\n").contains("\r\nHost: 127.0.0.1\r\n");
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\nConnection: Upgrade\r\nDerp-Version: 2\r\n"
                + "Derp-Public-Key: " + HEX.formatHex(PEER_SERVER.publicKey().toBytes()) + "\r\n\r\n").getBytes(US_ASCII));
            final UnsafeBuffer serverKey = new UnsafeBuffer(new byte[ServerKeyFlyweight.FRAME_LENGTH]);
            ServerKeyFlyweight.encode(serverKey, 0, PEER_SERVER.publicKey());
            out.write(serverKey.byteArray());
            out.flush();

            final byte[] clientInfo = readFrame(in);
            assertThat(clientInfo[0]).isEqualTo((byte) FrameType.CLIENT_INFO);
            final UnsafeBuffer ci = new UnsafeBuffer(clientInfo);
            final NodeKey clientKey = ClientInfoFlyweight.readClientKey(ci, 5);
            assertThat(clientKey).as("the mesh client's key is the server's own").isEqualTo(relay.publicKey());
            assertThat(new String(openClientInfo(ci, clientKey, clientInfo.length - 5), UTF_8))
                .isEqualTo("{\"meshKey\":\"" + MESH_HEX + "\",\"version\":2,\"CanAckPings\":true}");
            assertThat(HEX.formatHex(readFrame(in))).isEqualTo(WATCH_CONNS);

            final UnsafeBuffer serverInfo = new UnsafeBuffer(new byte[256]);
            final int n = ServerInfoFrame.seal(new NaclBox(), PEER_SERVER, clientKey, ServerInfo.standard(), serverInfo, 0);
            out.write(serverInfo.byteArray(), 0, n);
            out.write(HEX.parseHex(PEER_PRESENT_REGULAR));
            out.flush();

            final MeshPeer<ByteBuf> peer = relay.meshPeers().get(0);
            awaitTrue("the peer's key is learnt", () -> relay.relay().isOnMeshPeer(PEER_NODE), WAIT);
            assertThat(peer.isConnected()).isTrue();
            try (DerpTestClient c = DerpTestClient.connect(relay.localAddress(), HTTP, null, CLIENT,
                ClientInfo.standard())) {
                c.sendPacket(PEER_NODE, PACKET);
                assertThat(HEX.formatHex(readFrame(in))).isEqualTo(FORWARD_PACKET);
            }
        }
    }

    @Test
    void aPeerThatAnswersWithOurOwnServerKeyIsDroppedAndNotDialledAgain() throws Exception {
        scripted.setSoTimeout(10_000);
        try (Socket s = scripted.accept()) {
            s.setSoTimeout(10_000);
            final DataInputStream in = new DataInputStream(s.getInputStream());
            readHead(in);
            final OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n".getBytes(US_ASCII));
            final UnsafeBuffer serverKey = new UnsafeBuffer(new byte[ServerKeyFlyweight.FRAME_LENGTH]);
            ServerKeyFlyweight.encode(serverKey, 0, relay.publicKey());
            out.write(serverKey.byteArray());
            out.flush();
            assertThat(in.read()).as("closed without ClientInfo").isEqualTo(-1);
        }
        final MeshPeer<ByteBuf> peer = relay.meshPeers().get(0);
        awaitTrue("marked as self", peer::isSelf, WAIT);
        // The event that settles it: the self link has ended with no retry scheduled, so no dial can follow; the
        // listening socket must then hold no connection either.
        final MeshClient client = relay.meshClients().get(0);
        awaitTrue("the self link ended without a retry", client::doneWithSelf, WAIT);
        assertThat(client.dials()).as("dialled once").isEqualTo(1);
        scripted.setSoTimeout(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(scripted::accept)
            .isInstanceOf(java.net.SocketTimeoutException.class);
    }

    private static byte[] openClientInfo(final UnsafeBuffer frame, final NodeKey clientKey, final int payloadLength) {
        final int boxLength = ClientInfoFlyweight.boxLength(payloadLength);
        final byte[] plain = new byte[boxLength - NaclBox.TAG_LENGTH];
        final int n = new NaclBox().open(BoxKey.derive(PEER_SERVER, clientKey), frame,
            ClientInfoFlyweight.nonceOffset(5), frame, ClientInfoFlyweight.boxOffset(5), boxLength,
            new UnsafeBuffer(plain), 0);
        assertThat(n).isEqualTo(plain.length);
        return plain;
    }

    private static String readHead(final InputStream in) throws IOException {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            final int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the request head");
            }
            b.write(c);
            final String s = b.toString(US_ASCII);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
    }

    private static byte[] readFrame(final DataInputStream in) throws IOException {
        final int type = in.readUnsignedByte();
        final int length = in.readInt();
        final byte[] frame = new byte[5 + length];
        frame[0] = (byte) type;
        frame[1] = (byte) (length >>> 24);
        frame[2] = (byte) (length >>> 16);
        frame[3] = (byte) (length >>> 8);
        frame[4] = (byte) length;
        in.readFully(frame, 5, length);
        return frame;
    }
}
