package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfoFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;

/** Server-side pieces of a DERP transcript: the exact 101, sealed ServerInfo, opened ClientInfo JSON. */
final class TranscriptSupport {
    private TranscriptSupport() {
    }

    /** derpserver handler.go: the exact 101 response (vectors http_upgrade.server_101_response_template). */
    static String switchingProtocols(final NodeKey serverKey) {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\nConnection: Upgrade\r\nDerp-Version: 2\r\n"
            + "Derp-Public-Key: " + serverKey.toHex() + "\r\n\r\n";
    }

    static byte[] serverInfoFrame(final NodePrivateKey server, final NodeKey client, final ServerInfo info) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[512]);
        final int n = ServerInfoFrame.seal(new NaclBox(), server, client, info, b, 0);
        return Arrays.copyOf(b.byteArray(), n);
    }

    /** Opens a ClientInfo payload with the server key and returns the JSON bytes exactly as the client sealed them. */
    static byte[] openClientInfoJson(final NodePrivateKey server, final ScriptedServer.Frame frame) {
        assertThat(frame.type()).as("frame type").isEqualTo(FrameType.CLIENT_INFO);
        final UnsafeBuffer payload = new UnsafeBuffer(frame.payload());
        final NodeKey client = ClientInfoFlyweight.readClientKey(payload, 0);
        final int boxLength = ClientInfoFlyweight.boxLength(frame.payload().length);
        final UnsafeBuffer plain = new UnsafeBuffer(new byte[boxLength]);
        final int n = new NaclBox().open(BoxKey.derive(server, client), payload, ClientInfoFlyweight.nonceOffset(0),
            payload, ClientInfoFlyweight.boxOffset(0), boxLength, plain, 0);
        assertThat(n).as("ClientInfo box opens with the server key").isNotEqualTo(NaclBox.OPEN_FAILED);
        return Arrays.copyOf(plain.byteArray(), n);
    }

    static String ascii(final byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Accepts, answers the upgrade with the exact 101, sends ServerKey, reads ClientInfo, sends ServerInfo. */
    static ScriptedServer.Peer handshake(final ScriptedServer server, final NodePrivateKey serverKey,
                                         final NodeKey clientKey, final ServerInfo info) throws IOException {
        final ScriptedServer.Peer peer = server.accept();
        peer.readHead();
        peer.write(switchingProtocols(serverKey.publicKey()));
        peer.writeServerKey(serverKey.publicKey());
        final ScriptedServer.Frame clientInfo = peer.readFrame();
        assertThat(clientInfo.type()).isEqualTo(FrameType.CLIENT_INFO);
        peer.write(serverInfoFrame(serverKey, clientKey, info));
        return peer;
    }
}
