package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** SPEC §2.4: every ServerInfo is sealed under a fresh random nonce; a reused nonce would break the box. */
class ServerInfoSealTest {
    private static final NodePrivateKey CLIENT = NodePrivateKey.generate();
    private static final NodePrivateKey SERVER = NodePrivateKey.generate();
    private final NaclBox box = new NaclBox();

    private byte[] seal() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[128]);
        final int n = ServerInfoFrame.seal(box, SERVER, CLIENT.publicKey(), ServerInfo.standard(), out, 0);
        return Arrays.copyOf(out.byteArray(), n);
    }

    private static byte[] nonce(final byte[] frame) {
        final int at = HEADER_LENGTH + ServerInfoFlyweight.NONCE_OFFSET;
        return Arrays.copyOfRange(frame, at, at + DerpProtocol.NONCE_LENGTH);
    }

    @Test
    void twoSealsOfTheSameServerInfoUseDifferentNonces() {
        final byte[] first = seal();
        final byte[] second = seal();
        assertThat(nonce(first)).isNotEqualTo(nonce(second));
        assertThat(nonce(first)).as("not left zero").isNotEqualTo(new byte[DerpProtocol.NONCE_LENGTH]);
        assertThat(Arrays.copyOfRange(first, HEADER_LENGTH + ServerInfoFlyweight.BOX_OFFSET, first.length))
            .as("so the boxes differ too").isNotEqualTo(
                Arrays.copyOfRange(second, HEADER_LENGTH + ServerInfoFlyweight.BOX_OFFSET, second.length));
    }

    @Test
    void aRandomlySealedServerInfoOpensOnTheClient() throws Exception {
        final byte[] frame = seal();
        final ServerInfo info = ServerInfoFrame.open(box, CLIENT, SERVER.publicKey(), new UnsafeBuffer(frame),
            HEADER_LENGTH, frame.length - HEADER_LENGTH);
        assertThat(info).isEqualTo(ServerInfo.standard());
    }

    @Test
    void aSealAtAnOffsetWritesTheWholeFrameThere() throws Exception {
        final int at = 11;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[160]);
        final int n = ServerInfoFrame.seal(box, SERVER, CLIENT.publicKey(), ServerInfo.standard(), out, at);
        assertThat(FrameHeaderFlyweight.type(out, at)).isEqualTo(FrameType.SERVER_INFO);
        assertThat(FrameHeaderFlyweight.payloadLength(out, at)).isEqualTo(n - HEADER_LENGTH);
        assertThat(ServerInfoFrame.open(box, CLIENT, SERVER.publicKey(), out, at + HEADER_LENGTH, n - HEADER_LENGTH))
            .isEqualTo(ServerInfo.standard());
    }
}
