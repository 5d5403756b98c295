package io.derpring.internal.disco;

import static io.derpring.testing.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.keys.DiscoKey;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DiscoHeaderFlyweightTest {
    private static final JsonNode DISCO = Vectors.load("disco.json");

    static List<Arguments> looksLikeDiscoCases() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode c : DISCO.get("looks_like_disco")) {
            cases.add(Arguments.of(c.get("desc").asText(), hex(c.get("hex")), c.get("expect").asBoolean()));
        }
        return cases;
    }

    @ParameterizedTest(name = "B39 disco.json looks_like_disco: {0}")
    @MethodSource("looksLikeDiscoCases")
    void looksLikeDiscoMatchesVector(final String desc, final byte[] packet, final boolean expected) {
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(new UnsafeBuffer(packet), 0, packet.length)).isEqualTo(expected);
    }

    @Test
    void magicIsTsSpeechBalloonInUtf8() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[6]);
        DiscoHeaderFlyweight.putMagic(buffer, 0);
        assertThat(Vectors.toHex(buffer.byteArray())).isEqualTo(DISCO.get("magic_hex").asText());
        assertThat(new String(buffer.byteArray(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("TS💬");
    }

    @Test
    void headerOffsetsMatchSpecLayout() {
        assertThat(DiscoHeaderFlyweight.MAGIC_OFFSET).isZero();
        assertThat(DiscoHeaderFlyweight.SENDER_KEY_OFFSET).isEqualTo(6);
        assertThat(DiscoHeaderFlyweight.NONCE_OFFSET).isEqualTo(38);
        assertThat(DiscoHeaderFlyweight.BOX_OFFSET).isEqualTo(62);
        assertThat(DiscoHeaderFlyweight.HEADER_LENGTH).isEqualTo(62);
        assertThat(DiscoHeaderFlyweight.TAG_LENGTH).isEqualTo(16);
        assertThat(DiscoHeaderFlyweight.MIN_SEALED_LENGTH).isEqualTo(80);
    }

    @ParameterizedTest(name = "B39 magic and {0} bytes: looks like disco iff length >= 62")
    @ValueSource(ints = {0, 6, 61, 62, 63, 1000})
    @DisplayName("B39 62-byte limit: at, below and above")
    void looksLikeDiscoOnlyFrom62Bytes(final int length) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(length, 6)]);
        DiscoHeaderFlyweight.putMagic(buffer, 0);
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(buffer, 0, length)).isEqualTo(length >= 62);
    }

    @ParameterizedTest(name = "B39 magic byte {0} altered: not disco")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void anyWrongMagicByteIsNotDisco(final int index) {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[62]);
        DiscoHeaderFlyweight.putMagic(buffer, 0);
        buffer.putByte(index, (byte) (buffer.getByte(index) ^ 0x01));
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(buffer, 0, 62)).isFalse();
    }

    @Test
    void looksLikeDiscoReadsAtAnOffset() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[7 + 62]);
        DiscoHeaderFlyweight.putMagic(buffer, 7);
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(buffer, 7, 62)).isTrue();
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(buffer, 0, 62)).isFalse();
    }

    @Test
    void rangeOutsideTheBufferIsNotDiscoAndDoesNotThrow() {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[62]);
        DiscoHeaderFlyweight.putMagic(buffer, 0);
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(buffer, 0, 63)).isFalse();
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(buffer, 1, 62)).isFalse();
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(buffer, -1, 62)).isFalse();
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(buffer, Integer.MAX_VALUE, 62)).isFalse();
    }

    @Test
    void headerViewExposesSenderKeyNonceAndBox() {
        final JsonNode sealed = DISCO.get("sealed_messages").get(0);
        final byte[] packet = hex(sealed.get("packet_hex"));
        final DiscoHeaderFlyweight header = new DiscoHeaderFlyweight().wrap(new UnsafeBuffer(packet), 0, packet.length);
        final DiscoKey sender = DiscoKey.parseHex(sealed.get("sender_disco_public").asText());
        assertThat(header.senderKeyMatches(sender)).isTrue();
        assertThat(header.senderKeyMatches(DiscoKey.parseHex(sealed.get("recipient_disco_public").asText()))).isFalse();
        final byte[] key = new byte[32];
        header.copySenderKey(key, 0);
        assertThat(key).isEqualTo(sender.toBytes());
        assertThat(header.boxLength()).isEqualTo(packet.length - 62);
        assertThat(java.util.Arrays.copyOfRange(packet, header.nonceOffset(), header.nonceOffset() + 24))
            .isEqualTo(hex(sealed.get("nonce")));
    }
}
