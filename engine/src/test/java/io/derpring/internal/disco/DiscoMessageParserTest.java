package io.derpring.internal.disco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.keys.NodeKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §4.2 parse rules and their limits, at, below and above each one. */
class DiscoMessageParserTest {
    private final DiscoMessageParser parser = new DiscoMessageParser();

    /** type || version || {@code bodyLength} bytes of 0x11 (non-zero, so a key read from it is not "absent"). */
    private static UnsafeBuffer payload(final int type, final int version, final int bodyLength) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[2 + bodyLength]);
        b.setMemory(0, b.capacity(), (byte) 0x11);
        b.putByte(0, (byte) type);
        b.putByte(1, (byte) version);
        return b;
    }

    private DiscoOpenResult parse(final UnsafeBuffer b) {
        return parser.parse(b, 0, b.capacity());
    }

    @Test
    void specConstantsMatchDiscoGo() {
        assertThat(PingFlyweight.PING_LEN).isEqualTo(44);
        assertThat(PongFlyweight.PONG_LEN).isEqualTo(30);
        assertThat(EndpointFlyweight.EP_LENGTH).isEqualTo(18);
        assertThat(DiscoMessageFlyweight.MESSAGE_HEADER_LEN).isEqualTo(2);
        assertThat(DiscoHeaderFlyweight.NONCE_LENGTH).isEqualTo(24);
        assertThat(DiscoMessageParser.BIND_UDP_RELAY_CHALLENGE_LEN).isEqualTo(32);
        assertThat(DiscoMessageParser.BIND_UDP_RELAY_ENDPOINT_COMMON_LEN).isEqualTo(72);
        assertThat(DiscoMessageParser.UDP_RELAY_ENDPOINT_LEN_MINUS_ADDR_PORTS).isEqualTo(124);
        assertThat(DiscoMessageParser.ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST_LEN).isEqualTo(68);
    }

    @ParameterizedTest(name = "payload of {0} bytes is too short (errShort)")
    @ValueSource(ints = {0, 1})
    void payloadWithoutTypeAndVersionIsTooShort(final int length) {
        assertThat(parser.parse(new UnsafeBuffer(new byte[2]), 0, length)).isEqualTo(DiscoOpenResult.TOO_SHORT);
    }

    @ParameterizedTest(name = "type 0x{0} is an unknown message type")
    @ValueSource(ints = {0x00, 0x0a, 0x10, 0x7f, 0x80, 0xff})
    void unknownTypeIsATypedError(final int type) {
        assertThat(parse(payload(type, 0, 40))).isEqualTo(DiscoOpenResult.UNKNOWN_TYPE);
        assertThat(DiscoMessageType.isKnown(type)).isFalse();
    }

    @ParameterizedTest(name = "B43 Ping body {0} bytes -> {1}")
    @CsvSource({"11, TOO_SHORT", "12, OK_PING", "13, OK_PING"})
    @DisplayName("B43 Ping body limit 12: at, below and above")
    void pingBodyBelow12IsTooShort(final int body, final DiscoOpenResult expected) {
        assertThat(parse(payload(DiscoMessageType.PING, 0, body))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "Ping body {0}: node key present = {1}, padding {2}")
    @CsvSource({"12, false, 0", "43, false, 31", "44, true, 0", "45, true, 1", "100, true, 56"})
    void pingNodeKeyNeedsAFull32BytesAfterTheTxId(final int body, final boolean hasKey, final int padding) {
        assertThat(parse(payload(DiscoMessageType.PING, 0, body))).isEqualTo(DiscoOpenResult.OK_PING);
        assertThat(parser.ping().hasNodeKey()).isEqualTo(hasKey);
        assertThat(parser.ping().paddingLength()).isEqualTo(padding);
        assertThat(parser.ping().nodeKeyMatches(NodeKey.fromBytes(filled(32, 0x11)))).isEqualTo(hasKey);
    }

    @ParameterizedTest(name = "B43 Pong body {0} bytes -> {1}")
    @CsvSource({"29, TOO_SHORT", "30, OK_PONG", "31, OK_PONG", "200, OK_PONG"})
    @DisplayName("B43 Pong body limit 30: at, below and above; extra bytes ignored")
    void pongBodyBelow30IsTooShort(final int body, final DiscoOpenResult expected) {
        final UnsafeBuffer b = payload(DiscoMessageType.PONG, 0, body);
        if (body >= 30) {
            final UnsafeBuffer tx = new UnsafeBuffer(filled(12, 7));
            PongFlyweight.encodeIpv4(b, 0, tx, 0, 0xCB007107, 41641);
        }
        assertThat(parse(b)).isEqualTo(expected);
        if (expected.isOk()) {
            assertThat(parser.pong().ipv4AsInt()).isEqualTo(0xCB007107);
            assertThat(parser.pong().port()).isEqualTo(41641);
        }
    }

    @Test
    @DisplayName("B43 trailing bytes after a Ping's TxID and node key are padding, not an error")
    void pingTrailingBytesAreIgnored() {
        assertThat(parse(payload(DiscoMessageType.PING, 0, 44 + 500))).isEqualTo(DiscoOpenResult.OK_PING);
        assertThat(parser.ping().paddingLength()).isEqualTo(500);
    }

    @ParameterizedTest(name = "B42 CallMeMaybe body {0} bytes, version {1}: {2} endpoints, no error")
    @CsvSource({
        "0, 0, 0", "1, 0, 0", "17, 0, 0", "18, 0, 1", "19, 0, 0", "35, 0, 0", "36, 0, 2", "37, 0, 0",
        "288, 0, 16", "306, 0, 17", "18, 1, 0", "36, 255, 0"})
    @DisplayName("B42 CallMeMaybe body not a multiple of 18, or version != 0, is an empty list")
    void callMeMaybeMalformedBodyIsAnEmptyListNotAnError(final int body, final int version, final int count) {
        assertThat(parse(payload(DiscoMessageType.CALL_ME_MAYBE, version, body)))
            .isEqualTo(DiscoOpenResult.OK_CALL_ME_MAYBE);
        assertThat(parser.callMeMaybe().endpointCount()).isEqualTo(count);
    }

    @Test
    void pongAndPingIgnoreTheVersionByte() {
        assertThat(parse(payload(DiscoMessageType.PING, 9, 12))).isEqualTo(DiscoOpenResult.OK_PING);
        assertThat(parse(payload(DiscoMessageType.PONG, 9, 30))).isEqualTo(DiscoOpenResult.OK_PONG);
    }

    @ParameterizedTest(name = "type {0} body {1}, version {2} -> {3}")
    @CsvSource({
        "4, 71, 0, TOO_SHORT", "4, 72, 0, OK_BIND_UDP_RELAY_ENDPOINT", "4, 73, 0, OK_BIND_UDP_RELAY_ENDPOINT",
        "4, 71, 1, TOO_SHORT",
        "5, 71, 0, TOO_SHORT", "5, 72, 0, OK_BIND_UDP_RELAY_ENDPOINT_CHALLENGE",
        "6, 71, 0, TOO_SHORT", "6, 72, 0, OK_BIND_UDP_RELAY_ENDPOINT_ANSWER",
        "7, 141, 0, TOO_SHORT", "7, 142, 0, OK_CALL_ME_MAYBE_VIA", "7, 143, 0, TOO_SHORT",
        "7, 160, 0, OK_CALL_ME_MAYBE_VIA", "7, 124, 0, TOO_SHORT", "7, 0, 1, OK_CALL_ME_MAYBE_VIA",
        "8, 67, 0, TOO_SHORT", "8, 68, 0, OK_ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST",
        "8, 69, 0, OK_ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST", "8, 0, 1, OK_ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST",
        "9, 3, 0, TOO_SHORT", "9, 145, 0, TOO_SHORT", "9, 146, 0, OK_ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE",
        "9, 147, 0, TOO_SHORT", "9, 0, 1, OK_ALLOCATE_UDP_RELAY_ENDPOINT_RESPONSE"})
    void udpRelayTypesAreRecognisedWithGoLengthRules(final int type, final int body, final int version,
        final DiscoOpenResult expected) {
        assertThat(parse(payload(type, version, body))).isEqualTo(expected);
    }

    @Test
    void callMeMaybeEndpointIndexOutsideTheListIsATypedError() {
        parse(payload(DiscoMessageType.CALL_ME_MAYBE, 0, 18));
        assertThatThrownBy(() -> parser.callMeMaybe().port(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parser.callMeMaybe().port(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodersRejectATooSmallBufferWithATypedError() {
        final UnsafeBuffer tx = new UnsafeBuffer(new byte[12]);
        final UnsafeBuffer small = new UnsafeBuffer(new byte[PongFlyweight.LENGTH - 1]);
        assertThatThrownBy(() -> PongFlyweight.encodeIpv4(small, 0, tx, 0, 1, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32");
        assertThatThrownBy(() -> PingFlyweight.encode(small, 0, tx, 0, null, 20))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PingFlyweight.encode(small, 0, tx, 0, null, -1))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "payload of {0} bytes: encodable = {1}")
    @CsvSource({"65457, true", "65458, true", "65459, false"})
    @DisplayName("payload limit 65 458 (DERP 64 KiB packet - 78): at, below and above")
    void encodersRejectPayloadsThatCannotBeSealedIntoADerpPacket(final int payloadLength, final boolean ok) {
        final UnsafeBuffer tx = new UnsafeBuffer(new byte[12]);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[70_000]);
        final int padding = payloadLength - PingFlyweight.encodedLength(false, 0);
        if (ok) {
            assertThat(PingFlyweight.encode(big, 0, tx, 0, null, padding)).isEqualTo(payloadLength);
        } else {
            assertThatThrownBy(() -> PingFlyweight.encode(big, 0, tx, 0, null, padding))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAX_PAYLOAD_LENGTH");
        }
    }

    @ParameterizedTest(name = "port {0}: valid = {1}")
    @CsvSource({"-1, false", "0, true", "65535, true", "65536, false"})
    void portsOutsideU16AreRejected(final int port, final boolean valid) {
        final UnsafeBuffer tx = new UnsafeBuffer(new byte[12]);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        if (valid) {
            PongFlyweight.encodeIpv4(out, 0, tx, 0, 1, port);
            parse(out);
            assertThat(parser.pong().port()).isEqualTo(port);
        } else {
            assertThatThrownBy(() -> PongFlyweight.encodeIpv4(out, 0, tx, 0, 1, port))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void v4MappedPongSourceDecodesAsIpv4AndOtherwiseAsIpv6() {
        final UnsafeBuffer tx = new UnsafeBuffer(new byte[12]);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        // ::ffff:0:0/96 is IPv4; ::1.2.3.4 (IPv4-compatible, no ffff) is not.
        PongFlyweight.encodeIpv6(out, 0, tx, 0, 0L, 0x0000_FFFF_0102_0304L, 9);
        parse(out);
        assertThat(parser.pong().isIpv4()).isTrue();
        assertThat(parser.pong().ipv4AsInt()).isEqualTo(0x01020304);
        PongFlyweight.encodeIpv6(out, 0, tx, 0, 0L, 0x0102_0304L, 9);
        parse(out);
        assertThat(parser.pong().isIpv4()).isFalse();
    }

    @Test
    void pingWithZeroNodeKeyIsEncodedWithoutOneAsGoDoes() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final int len = PingFlyweight.encode(out, 0, new UnsafeBuffer(new byte[12]), 0,
            NodeKey.fromBytes(new byte[32]), 0);
        assertThat(len).isEqualTo(14);
    }

    private static byte[] filled(final int n, final int value) {
        final byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
