package io.derpring.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The handshake payload limits (SPEC §2.3, §2.4) at, below and above each bound: a length at a bound gets as far as
 * opening the box (which garbage fails), one past it is rejected for its length. And the int32 range of JSON's
 * {@code version}.
 */
class HandshakeInfoLimitsTest {
    private static final NodePrivateKey CLIENT = NodePrivateKey.generate();
    private static final NodePrivateKey SERVER = NodePrivateKey.generate();
    private final NaclBox box = new NaclBox();

    private FrameError serverInfoError(final int payloadLength) {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadLength]);
        try {
            ServerInfoFrame.open(box, CLIENT, SERVER.publicKey(), payload, 0, payloadLength);
            throw new AssertionError("garbage opened");
        } catch (final DerpProtocolException e) {
            return e.error();
        }
    }

    private FrameError clientInfoError(final int payloadLength) {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadLength]);
        CLIENT.publicKey().writeTo(payload, 0);
        try {
            ClientInfoFrame.open(box, SERVER, payload, 0, payloadLength);
            throw new AssertionError("garbage opened");
        } catch (final DerpProtocolException e) {
            return e.error();
        }
    }

    @Test
    void aServerInfoOfExactlyTheNonceIsOpenedNotRejectedAsShort() {
        assertThat(serverInfoError(FrameLimits.SERVER_INFO_MIN_LENGTH)).isEqualTo(FrameError.SERVER_INFO_OPEN_FAILED);
    }

    @Test
    void aServerInfoOfTheMaximumLengthIsOpenedNotRejectedAsLong() {
        assertThat(serverInfoError(FrameLimits.SERVER_INFO_MAX_LENGTH)).isEqualTo(FrameError.SERVER_INFO_OPEN_FAILED);
    }

    @Test
    void aServerInfoOneByteAboveTheMaximumIsRejectedAsLong() {
        assertThat(serverInfoError(FrameLimits.SERVER_INFO_MAX_LENGTH + 1)).isEqualTo(FrameError.SERVER_INFO_TOO_LONG);
    }

    @Test
    void aClientInfoOfTheMaximumLengthIsOpenedNotRejectedAsLong() {
        assertThat(clientInfoError(FrameLimits.CLIENT_INFO_MAX_LENGTH)).isEqualTo(FrameError.CLIENT_INFO_OPEN_FAILED);
    }

    @Test
    void aClientInfoOneByteAboveTheMaximumIsRejectedAsLong() {
        assertThat(clientInfoError(FrameLimits.CLIENT_INFO_MAX_LENGTH + 1)).isEqualTo(FrameError.CLIENT_INFO_TOO_LONG);
    }

    @Test
    void aVersionAtEitherEndOfTheInt32RangeIsRead() throws DerpProtocolException {
        assertThat(clientInfo("{\"version\":2147483647}").version()).isEqualTo(Integer.MAX_VALUE);
        assertThat(clientInfo("{\"version\":-2147483648}").version()).isEqualTo(Integer.MIN_VALUE);
    }

    @Test
    void aVersionJustOutsideTheInt32RangeIsBadJson() {
        assertThatThrownBy(() -> clientInfo("{\"version\":2147483648}"))
            .isInstanceOfSatisfying(DerpProtocolException.class,
                e -> assertThat(e.error()).isEqualTo(FrameError.CLIENT_INFO_BAD_JSON));
        assertThatThrownBy(() -> clientInfo("{\"version\":-2147483649}"))
            .isInstanceOfSatisfying(DerpProtocolException.class,
                e -> assertThat(e.error()).isEqualTo(FrameError.CLIENT_INFO_BAD_JSON));
    }

    @Test
    void jsonEscapesLineAndParagraphSeparatorsButWritesOtherNonAsciiAsIs() {
        final String json = new String(new ClientInfo(null, 0, false, false, "\u0080é\u2028\u2029").toJson(),
            StandardCharsets.UTF_8);
        assertThat(json).contains("\"AppName\":\"\u0080é\\u2028\\u2029\"");
    }

    private static ClientInfo clientInfo(final String json) throws DerpProtocolException {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ClientInfo.fromJson(bytes, bytes.length);
    }
}
