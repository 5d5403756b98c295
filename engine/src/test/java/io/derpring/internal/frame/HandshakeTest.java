package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ClientInfo / ServerInfo JSON and their sealed frames (SPEC §2.2–§2.4). */
class HandshakeTest {
    private static final NodePrivateKey CLIENT = NodePrivateKey.generate();
    private static final NodePrivateKey SERVER = NodePrivateKey.generate();
    private static final MeshKey MESH = MeshKey.parse("f35b31f0912964e89672dca97b25829b77a73e845ba504083e17239f5733b65c");
    private final NaclBox box = new NaclBox();

    private static String json(final ClientInfo info) {
        return new String(info.toJson(), StandardCharsets.UTF_8);
    }

    private static ClientInfo clientInfo(final String json) throws DerpProtocolException {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ClientInfo.fromJson(bytes, bytes.length);
    }

    private static ServerInfo serverInfo(final String json) throws DerpProtocolException {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ServerInfo.fromJson(bytes, bytes.length);
    }

    // ---- ClientInfo JSON (B66, B6) ----

    @Test
    @DisplayName("B66: derpring's client JSON is byte-identical to Go's: {\"version\":2,\"CanAckPings\":true}")
    void standardClientInfoJsonMatchesGo() {
        assertThat(json(ClientInfo.standard())).isEqualTo("{\"version\":2,\"CanAckPings\":true}");
    }

    @Test
    @DisplayName("B66: with mesh key and prober, meshKey comes first and IsProber last, as Go's struct order")
    void meshProberClientInfoJsonMatchesGo() {
        assertThat(json(new ClientInfo(MESH, 2, true, true, ""))).isEqualTo(
            "{\"meshKey\":\"f35b31f0912964e89672dca97b25829b77a73e845ba504083e17239f5733b65c\",\"version\":2,"
                + "\"CanAckPings\":true,\"IsProber\":true}");
    }

    @Test
    void canAckPingsIsAlwaysWrittenAndEmptyFieldsAreOmitted() {
        assertThat(json(new ClientInfo(null, 0, false, false, null))).isEqualTo("{\"CanAckPings\":false}");
        assertThat(json(new ClientInfo(null, 2, false, false, "derpring"))).isEqualTo(
            "{\"version\":2,\"CanAckPings\":false,\"AppName\":\"derpring\"}");
    }

    @Test
    void appNameIsEscapedAsGoEscapesHtml() {
        assertThat(json(new ClientInfo(null, 2, true, false, "<a&b>\u2028\u0001\n")))
            .isEqualTo("{\"version\":2,\"CanAckPings\":true,\"AppName\":\"\\u003ca\\u0026b\\u003e\\u2028\\u0001\\n\"}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"version\":2,\"CanAckPings\":true}",
        "{\"canackpings\":true,\"VERSION\":2}",
        "{\"CANACKPINGS\":true,\"Version\":2,\"unknown\":[1,{\"x\":null}],\"AppName\":null}"})
    @DisplayName("B6: ClientInfo keys match case-insensitively and unknown keys are ignored")
    void clientInfoKeysAreCaseInsensitive(final String text) throws Exception {
        final ClientInfo info = clientInfo(text);
        assertThat(info.version()).isEqualTo(2);
        assertThat(info.canAckPings()).isTrue();
        assertThat(info.meshKey()).isNull();
        assertThat(info.appName()).isEmpty();
    }

    @Test
    void missingVersionDecodesAsZero() throws Exception {
        assertThat(clientInfo("{\"CanAckPings\":false}").version()).isZero();
        assertThat(clientInfo("{}")).isEqualTo(new ClientInfo(null, 0, false, false, ""));
    }

    @Test
    void meshKeyAndProberRoundTrip() throws Exception {
        final ClientInfo info = new ClientInfo(MESH, 2, true, true, "probe");
        final byte[] bytes = info.toJson();
        assertThat(ClientInfo.fromJson(bytes, bytes.length)).isEqualTo(info);
        assertThat(ClientInfo.fromJson(bytes, bytes.length).meshKey().sameKeyAs(MESH)).isTrue();
        assertThat(info.toString()).doesNotContain(MESH.toHexText());
    }

    @ParameterizedTest(name = "[{index}] json <{0}>")
    @ValueSource(strings = {"", "{", "[1]", "\"x\"", "{\"version\":\"2\"}", "{\"version\":2.5}",
        "{\"CanAckPings\":1}", "{\"meshKey\":\"abc\"}", "{\"AppName\":3}", "{} {}", "{\"version\":99999999999}"})
    void malformedClientInfoJsonIsATypedError(final String text) {
        assertThatThrownBy(() -> clientInfo(text))
            .isInstanceOfSatisfying(DerpProtocolException.class,
                e -> assertThat(e.error()).isEqualTo(FrameError.CLIENT_INFO_BAD_JSON));
    }

    // ---- ServerInfo JSON ----

    @Test
    void standardServerInfoJsonMatchesGo() {
        assertThat(new String(ServerInfo.standard().toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"version\":2}");
    }

    @Test
    void serverInfoTokenBucketRoundTrips() throws Exception {
        final ServerInfo info = new ServerInfo(2, 1L << 20, 2L << 20);
        assertThat(new String(info.toJson(), StandardCharsets.UTF_8))
            .isEqualTo("{\"version\":2,\"TokenBucketBytesPerSecond\":1048576,\"TokenBucketBytesBurst\":2097152}");
        assertThat(serverInfo("{\"VERSION\":2,\"tokenbucketbytespersecond\":1048576,\"TokenBucketBytesBurst\":2097152,\"x\":1}"))
            .isEqualTo(info);
    }

    @Test
    void malformedServerInfoJsonIsATypedError() {
        assertThatThrownBy(() -> serverInfo("{\"version\":true}"))
            .isInstanceOfSatisfying(DerpProtocolException.class,
                e -> assertThat(e.error()).isEqualTo(FrameError.SERVER_INFO_BAD_JSON));
    }

    // ---- sealed frames (B5, B7, B9) ----

    @Test
    @DisplayName("B5: the client's ClientInfo opens with (server priv, client pub) and yields Go's JSON")
    void clientInfoFrameOpensOnTheServer() throws Exception {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final int n = ClientInfoFrame.seal(box, CLIENT, SERVER.publicKey(), ClientInfo.standard(), out, 3);
        assertThat(n).isEqualTo(ClientInfoFrame.frameLength(ClientInfo.standard()));
        final Readers server = Readers.serverHandshake(false);
        server.reader.onData(out, 3, n);
        final byte[] payload = server.handler.onlyPayload();
        final ClientInfoFrame.Opened opened = ClientInfoFrame.open(box, SERVER, new UnsafeBuffer(payload), 0, payload.length);
        assertThat(opened.clientKey()).isEqualTo(CLIENT.publicKey());
        assertThat(json(opened.info())).isEqualTo("{\"version\":2,\"CanAckPings\":true}");
    }

    @Test
    void randomNoncesDiffer() {
        final UnsafeBuffer a = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        ClientInfoFrame.seal(box, CLIENT, SERVER.publicKey(), ClientInfo.standard(), a, 0);
        ClientInfoFrame.seal(box, CLIENT, SERVER.publicKey(), ClientInfo.standard(), b, 0);
        final int nonceAt = HEADER_LENGTH + ClientInfoFlyweight.NONCE_OFFSET;
        assertThat(a.compareTo(b)).isNotZero();
        final byte[] na = new byte[24];
        final byte[] nb = new byte[24];
        a.getBytes(nonceAt, na);
        b.getBytes(nonceAt, nb);
        assertThat(na).isNotEqualTo(nb);
    }

    @Test
    @DisplayName("B7: a ClientInfo whose box does not open is 'msgbox: cannot open'")
    void clientInfoThatDoesNotOpenIsATypedError() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final int n = ClientInfoFrame.seal(box, CLIENT, SERVER.publicKey(), ClientInfo.standard(), out, 0);
        final NodePrivateKey otherServer = NodePrivateKey.generate();
        assertThatThrownBy(() -> ClientInfoFrame.open(box, otherServer, out, HEADER_LENGTH, n - HEADER_LENGTH))
            .isInstanceOfSatisfying(DerpProtocolException.class, e -> {
                assertThat(e.error()).isEqualTo(FrameError.CLIENT_INFO_OPEN_FAILED);
                assertThat(e.getMessage()).startsWith("msgbox: cannot open");
            });
    }

    @Test
    @DisplayName("B7: a ClientInfo from the zero key is refused as unopenable")
    void clientInfoFromZeroKeyIsRefused() {
        final byte[] payload = new byte[FrameLimits.CLIENT_INFO_MIN_LENGTH + 20];
        assertThatThrownBy(() -> ClientInfoFrame.open(box, SERVER, new UnsafeBuffer(payload), 0, payload.length))
            .isInstanceOfSatisfying(DerpProtocolException.class,
                e -> assertThat(e.error()).isEqualTo(FrameError.CLIENT_INFO_OPEN_FAILED));
    }

    @Test
    void clientInfoWithBadJsonInsideAGoodBoxIsATypedError() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer nonce = new UnsafeBuffer(new byte[24]);
        ClientInfoFlyweight.encodePrefix(out, 0, CLIENT.publicKey(), nonce, 0, notJson.length + 16);
        box.seal(BoxKey.derive(CLIENT, SERVER.publicKey()), nonce, 0, new UnsafeBuffer(notJson), 0,
            notJson.length, out, HEADER_LENGTH + ClientInfoFlyweight.BOX_OFFSET);
        final int payloadLength = ClientInfoFlyweight.payloadLength(notJson.length);
        assertThatThrownBy(() -> ClientInfoFrame.open(box, SERVER, out, HEADER_LENGTH, payloadLength))
            .isInstanceOfSatisfying(DerpProtocolException.class,
                e -> assertThat(e.error()).isEqualTo(FrameError.CLIENT_INFO_BAD_JSON));
    }

    @Test
    @DisplayName("B9: ServerInfo is nonce || box({\"version\":2}) and the client opens it with (client priv, server pub)")
    void serverInfoFrameOpensOnTheClient() throws Exception {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
        final int n = ServerInfoFrame.seal(box, SERVER, CLIENT.publicKey(), ServerInfo.standard(), out, 0);
        assertThat(n).isEqualTo(HEADER_LENGTH + 24 + 16 + "{\"version\":2}".length());
        final Readers client = Readers.client();
        client.reader.onData(out, 0, n);
        final byte[] payload = client.handler.onlyPayload();
        final ServerInfo info = ServerInfoFrame.open(box, CLIENT, SERVER.publicKey(), new UnsafeBuffer(payload), 0, payload.length);
        assertThat(new String(info.toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"version\":2}");
        assertThat(info.tokenBucketBytesPerSecond()).isZero();
    }

    @Test
    void serverInfoFromTheWrongServerFailsToOpen() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
        final int n = ServerInfoFrame.seal(box, SERVER, CLIENT.publicKey(), ServerInfo.standard(), out, 0);
        assertThatThrownBy(() -> ServerInfoFrame.open(box, CLIENT, NodePrivateKey.generate().publicKey(), out,
            HEADER_LENGTH, n - HEADER_LENGTH))
            .isInstanceOfSatisfying(DerpProtocolException.class, e -> {
                assertThat(e.error()).isEqualTo(FrameError.SERVER_INFO_OPEN_FAILED);
                assertThat(e.getMessage()).startsWith("invalid server info frame");
            });
    }

    @Test
    void serverInfoShorterThanTheNonceIsATypedError() {
        assertThatThrownBy(() -> ServerInfoFrame.open(box, CLIENT, SERVER.publicKey(), new UnsafeBuffer(new byte[23]), 0, 23))
            .isInstanceOfSatisfying(DerpProtocolException.class,
                e -> assertThat(e.error()).isEqualTo(FrameError.SERVER_INFO_TOO_SHORT));
    }
}
