package io.derpring.internal.disco;

import static io.derpring.testing.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** What an opener exposes after each outcome: only an OK open leaves a message readable (SPEC §4.1, §5.6). */
class DiscoOpenerStateTest {
    private static final JsonNode DISCO = Vectors.load("disco.json");
    private static final JsonNode FIRST = DISCO.get("sealed_messages").get(0);

    private final DiscoOpener opener = new DiscoOpener(new DiscoKeyCache(
        DiscoPrivateKey.fromBytes(hex(FIRST.get("recipient_disco_private")))));

    private void openAPing() {
        final byte[] ping = hex(FIRST.get("packet_hex"));
        assertThat(opener.open(new UnsafeBuffer(ping), 0, ping.length)).isEqualTo(DiscoOpenResult.OK_PING);
        assertThat(opener.message().type()).isEqualTo(DiscoMessageType.PING);
        assertThat(opener.message().payloadLength()).isPositive();
    }

    private void assertNoMessage() {
        assertThat(opener.message().type()).isZero();
        assertThat(opener.message().payloadLength()).isZero();
        assertThat(opener.message().payloadOffset()).isZero();
    }

    @Test
    void aBoxThatFailsToOpenClearsThePreviousMessage() {
        openAPing();
        final byte[] tampered = hex(DISCO.get("negative").get(0).get("packet_hex"));
        assertThat(opener.open(new UnsafeBuffer(tampered), 0, tampered.length)).isEqualTo(DiscoOpenResult.BOX_FAILED);
        assertNoMessage();
    }

    @Test
    void aPacketThatIsNotDiscoClearsThePreviousMessage() {
        openAPing();
        assertThat(opener.open(new UnsafeBuffer(new byte[100]), 0, 100)).isEqualTo(DiscoOpenResult.NOT_DISCO);
        assertNoMessage();
    }

    @Test
    void aTooShortPacketClearsThePreviousMessage() {
        openAPing();
        final byte[] ping = hex(FIRST.get("packet_hex"));
        assertThat(opener.open(new UnsafeBuffer(ping), 0, DiscoHeaderFlyweight.MIN_SEALED_LENGTH - 1))
            .isEqualTo(DiscoOpenResult.TOO_SHORT);
        assertNoMessage();
    }

    @Test
    void aFailedInPlaceOpenClearsThePreviousMessage() {
        openAPing();
        final byte[] tampered = hex(DISCO.get("negative").get(0).get("packet_hex"));
        assertThat(opener.openInPlace(new UnsafeBuffer(tampered), 0, tampered.length))
            .isEqualTo(DiscoOpenResult.BOX_FAILED);
        assertNoMessage();
    }

    @Test
    void theHeaderOfTheLastDiscoPacketIsReadable() {
        openAPing();
        assertThat(opener.header().senderKeyOffset()).isEqualTo(DiscoHeaderFlyweight.SENDER_KEY_OFFSET);
        assertThat(opener.header().boxLength())
            .isEqualTo(hex(FIRST.get("packet_hex")).length - DiscoHeaderFlyweight.BOX_OFFSET);
    }
}
