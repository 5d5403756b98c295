package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Fuzzing;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * ClientInfo and ServerInfo open + parse on attacker-chosen bytes (SPEC §2.3, §2.4): a value or a
 * {@link DerpProtocolException} with one of the frame's own errors, never another exception; a parsed value survives
 * {@code toJson} and a seal/open round trip unchanged. Byte 0 picks what the rest is:
 * <ol start="0">
 *   <li>a ClientInfo payload ({@code clientPub || nonce || box}) as the server's reader delivers it;</li>
 *   <li>a ServerInfo payload ({@code nonce || box}) as the client's reader delivers it;</li>
 *   <li>ClientInfo JSON, sealed with the vector keys and then opened, so mutations reach the parser behind the box;</li>
 *   <li>ServerInfo JSON, likewise.</li>
 * </ol>
 * The corpus (HandshakeInfoFuzzTestInputs/) holds every ClientInfo/ServerInfo frame of derp_frames.json in modes 0
 * and 1 and their JSON in modes 2 and 3; it runs as a regression test in the normal build. Set JAZZER_FUZZ=1 to fuzz.
 */
class HandshakeInfoFuzzTest {
    private static final JsonNode KEYS = Vectors.load("derp_frames.json").get("keys");
    private static final NodePrivateKey SERVER = NodePrivateKey.fromBytes(
        Vectors.hex(KEYS.get("server-node").get("private_hex")));
    private static final NodePrivateKey CLIENT = NodePrivateKey.fromBytes(
        Vectors.hex(KEYS.get("client-node").get("private_hex")));
    private static final NodeKey SERVER_PUBLIC = SERVER.publicKey();
    private static final NodeKey CLIENT_PUBLIC = CLIENT.publicKey();
    /** Both directions use the same shared key (crypto_box is symmetric after X25519); derived once, not per input. */
    private static final BoxKey PAIR_KEY = BoxKey.derive(CLIENT, SERVER_PUBLIC);
    private static final UnsafeBuffer FIXED_NONCE = new UnsafeBuffer(new byte[NaclBox.NONCE_LENGTH]);

    private static final Set<FrameError> CLIENT_INFO_ERRORS = EnumSet.of(FrameError.CLIENT_INFO_TOO_SHORT,
        FrameError.CLIENT_INFO_TOO_LONG, FrameError.CLIENT_INFO_OPEN_FAILED, FrameError.CLIENT_INFO_BAD_JSON);
    private static final Set<FrameError> SERVER_INFO_ERRORS = EnumSet.of(FrameError.SERVER_INFO_TOO_SHORT,
        FrameError.SERVER_INFO_TOO_LONG, FrameError.SERVER_INFO_OPEN_FAILED, FrameError.SERVER_INFO_BAD_JSON);

    private static final int MODE_CLIENT_INFO_PAYLOAD = 0;
    private static final int MODE_SERVER_INFO_PAYLOAD = 1;
    private static final int MODE_CLIENT_INFO_JSON = 2;
    private static final int MODES = 4;

    private final NaclBox box = new NaclBox();

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void openAndParseGiveTypedResults(final byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        final byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        switch (Math.floorMod(input[0], MODES)) {
            case MODE_CLIENT_INFO_PAYLOAD:
                checkClientInfo(new UnsafeBuffer(rest), 0, rest.length, null);
                break;
            case MODE_SERVER_INFO_PAYLOAD:
                checkServerInfo(new UnsafeBuffer(rest), 0, rest.length, null);
                break;
            case MODE_CLIENT_INFO_JSON: {
                final UnsafeBuffer frame = sealClientInfoJson(rest);
                checkClientInfo(frame, HEADER_LENGTH, frame.capacity() - HEADER_LENGTH, rest);
                break;
            }
            default: {
                final UnsafeBuffer frame = sealServerInfoJson(rest);
                checkServerInfo(frame, HEADER_LENGTH, frame.capacity() - HEADER_LENGTH, rest);
                break;
            }
        }
    }

    /** {@code json} non-null: the box was sealed by us, so opening must give exactly what parsing the JSON gives. */
    private void checkClientInfo(final UnsafeBuffer buffer, final int payloadOffset, final int payloadLength,
                                 final byte[] json) throws DerpProtocolException {
        final ClientInfoFrame.Opened opened;
        try {
            opened = ClientInfoFrame.open(box, SERVER, buffer, payloadOffset, payloadLength);
        } catch (final DerpProtocolException e) {
            assertThat(e.error()).isIn(CLIENT_INFO_ERRORS);
            if (json != null) {
                assertThat(e.error()).isEqualTo(FrameError.CLIENT_INFO_BAD_JSON);
            }
            return;
        }
        assertThat(opened.clientKey()).isNotNull();
        final ClientInfo info = opened.info();
        if (json != null) {
            assertThat(opened.clientKey()).isEqualTo(CLIENT_PUBLIC);
            assertThat(ClientInfo.fromJson(json, json.length)).isEqualTo(info);
        }
        final byte[] again = info.toJson();
        assertThat(ClientInfo.fromJson(again, again.length)).isEqualTo(info);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ClientInfoFrame.frameLength(info)]);
        final int written = ClientInfoFrame.seal(box, CLIENT, SERVER_PUBLIC, info, frame, 0);
        assertThat(written).isEqualTo(frame.capacity());
        final ClientInfoFrame.Opened reopened = ClientInfoFrame.open(box, SERVER, frame, HEADER_LENGTH,
            written - HEADER_LENGTH);
        assertThat(reopened.info()).isEqualTo(info);
    }

    private void checkServerInfo(final UnsafeBuffer buffer, final int payloadOffset, final int payloadLength,
                                 final byte[] json) throws DerpProtocolException {
        final ServerInfo info;
        try {
            info = ServerInfoFrame.open(box, CLIENT, SERVER_PUBLIC, buffer, payloadOffset, payloadLength);
        } catch (final DerpProtocolException e) {
            assertThat(e.error()).isIn(SERVER_INFO_ERRORS);
            if (json != null) {
                assertThat(e.error()).isEqualTo(FrameError.SERVER_INFO_BAD_JSON);
            }
            return;
        }
        if (json != null) {
            assertThat(ServerInfo.fromJson(json, json.length)).isEqualTo(info);
        }
        final byte[] again = info.toJson();
        assertThat(ServerInfo.fromJson(again, again.length)).isEqualTo(info);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[HEADER_LENGTH
            + ServerInfoFlyweight.payloadLength(again.length)]);
        final int written = ServerInfoFrame.seal(box, SERVER, CLIENT_PUBLIC, info, frame, 0);
        assertThat(written).isEqualTo(frame.capacity());
        assertThat(ServerInfoFrame.open(box, CLIENT, SERVER_PUBLIC, frame, HEADER_LENGTH, written - HEADER_LENGTH))
            .isEqualTo(info);
    }

    /** A whole ClientInfo frame carrying {@code json} from the vector client to the vector server. */
    private UnsafeBuffer sealClientInfoJson(final byte[] json) {
        final int boxLength = json.length + NaclBox.TAG_LENGTH;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[HEADER_LENGTH + ClientInfoFlyweight.payloadLength(
            json.length)]);
        ClientInfoFlyweight.encodePrefix(frame, 0, CLIENT_PUBLIC, FIXED_NONCE, 0, boxLength);
        box.seal(PAIR_KEY, frame, ClientInfoFlyweight.nonceOffset(HEADER_LENGTH), new UnsafeBuffer(json), 0,
            json.length, frame, ClientInfoFlyweight.boxOffset(HEADER_LENGTH));
        return frame;
    }

    /** A whole ServerInfo frame carrying {@code json} from the vector server to the vector client. */
    private UnsafeBuffer sealServerInfoJson(final byte[] json) {
        final int boxLength = json.length + NaclBox.TAG_LENGTH;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[HEADER_LENGTH + ServerInfoFlyweight.payloadLength(
            json.length)]);
        ServerInfoFlyweight.encodePrefix(frame, 0, FIXED_NONCE, 0, boxLength);
        box.seal(PAIR_KEY, frame, ServerInfoFlyweight.nonceOffset(HEADER_LENGTH), new UnsafeBuffer(json), 0,
            json.length, frame, ServerInfoFlyweight.boxOffset(HEADER_LENGTH));
        return frame;
    }
}
