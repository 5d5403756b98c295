package io.derpring.internal.disco;

import io.derpring.disco.EndpointList;

import static io.derpring.testing.Vectors.hex;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.keys.NodeKey;
import io.derpring.testing.Vectors;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** B40: the disco_test.go TestMarshalAndParse goldens from disco.json, parsed field by field and re-encoded. */
class DiscoPayloadGoldenTest {
    private static final JsonNode DISCO = Vectors.load("disco.json");
    /** disco_test.go: TxID 1..12. */
    private static final byte[] TX_ID = hex("0102030405060708090a0b0c");
    /** disco_test.go: a node key with bytes 0..2 = 0,1,2 and 30..31 = 30,31. */
    private static final byte[] NODE_KEY = nodeKeyBytes();

    private final DiscoMessageParser parser = new DiscoMessageParser();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);

    private static byte[] nodeKeyBytes() {
        final byte[] k = new byte[32];
        k[1] = 1;
        k[2] = 2;
        k[30] = 30;
        k[31] = 31;
        return k;
    }

    static List<Arguments> goldens() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode c : DISCO.get("upstream_payload_goldens")) {
            cases.add(Arguments.of(c.get("name").asText(), hex(c.get("payload_hex")), c.get("len").asInt()));
        }
        return cases;
    }

    @Test
    void everyUpstreamGoldenHasATest() {
        assertThat(goldens()).extracting(a -> (String) a.get()[0]).containsExactlyInAnyOrder(
            "ping", "ping_with_nodekey_src", "ping_with_padding", "ping_with_padding_and_nodekey_src", "pong",
            "pongv6", "call_me_maybe", "call_me_maybe_endpoints", "bind_udp_relay_endpoint", "call_me_maybe_via",
            "allocate_udp_relay_endpoint_request");
    }

    @ParameterizedTest(name = "B40 disco.json upstream_payload_goldens {0}: parses to the disco_test.go fields")
    @MethodSource("goldens")
    void goldenParsesToItsFields(final String name, final byte[] payload, final int len) {
        assertThat(payload).hasSize(len);
        final UnsafeBuffer in = new UnsafeBuffer(payload);
        final DiscoOpenResult result = parser.parse(in, 0, payload.length);
        assertThat(parser.version()).isZero();
        switch (name) {
            case "ping" -> assertPing(result, false, 0);
            case "ping_with_nodekey_src" -> assertPing(result, true, 0);
            case "ping_with_padding" -> assertPing(result, false, 3);
            case "ping_with_padding_and_nodekey_src" -> assertPing(result, true, 3);
            case "pong" -> {
                assertThat(result).isEqualTo(DiscoOpenResult.OK_PONG);
                assertTxId(parser.pong()::copyTxId);
                assertThat(parser.pong().isIpv4()).isTrue();
                assertThat(parser.pong().ipv4AsInt()).isEqualTo(AddressLiterals.parseIpv4("2.3.4.5"));
                assertThat(parser.pong().port()).isEqualTo(1234);
            }
            case "pongv6" -> {
                assertThat(result).isEqualTo(DiscoOpenResult.OK_PONG);
                assertTxId(parser.pong()::copyTxId);
                assertThat(parser.pong().isIpv4()).isFalse();
                assertThat(new long[] {parser.pong().ipv6High(), parser.pong().ipv6Low()})
                    .containsExactly(AddressLiterals.parseIpv6("fed0::12"));
                assertThat(parser.pong().port()).isEqualTo(6666);
            }
            case "call_me_maybe" -> {
                assertThat(result).isEqualTo(DiscoOpenResult.OK_CALL_ME_MAYBE);
                assertThat(parser.callMeMaybe().endpointCount()).isZero();
            }
            case "call_me_maybe_endpoints" -> {
                assertThat(result).isEqualTo(DiscoOpenResult.OK_CALL_ME_MAYBE);
                final CallMeMaybeFlyweight cmm = parser.callMeMaybe();
                assertThat(cmm.endpointCount()).isEqualTo(2);
                assertThat(cmm.isIpv4(0)).isTrue();
                assertThat(cmm.ipv4AsInt(0)).isEqualTo(AddressLiterals.parseIpv4("1.2.3.4"));
                assertThat(cmm.port(0)).isEqualTo(567);
                assertThat(cmm.isIpv4(1)).isFalse();
                assertThat(new long[] {cmm.ipv6High(1), cmm.ipv6Low(1)})
                    .containsExactly(AddressLiterals.parseIpv6("2001::3456"));
                assertThat(cmm.port(1)).isEqualTo(789);
            }
            case "bind_udp_relay_endpoint" -> {
                assertThat(result).isEqualTo(DiscoOpenResult.OK_BIND_UDP_RELAY_ENDPOINT);
                final DirectBuffer p = parser.payloadBuffer();
                assertThat(p.getInt(2, BIG_ENDIAN)).as("VNI").isEqualTo(1);
                assertThat(p.getInt(6, BIG_ENDIAN)).as("Generation").isEqualTo(2);
            }
            case "call_me_maybe_via" -> assertThat(result).isEqualTo(DiscoOpenResult.OK_CALL_ME_MAYBE_VIA);
            case "allocate_udp_relay_endpoint_request" ->
                assertThat(result).isEqualTo(DiscoOpenResult.OK_ALLOCATE_UDP_RELAY_ENDPOINT_REQUEST);
            default -> throw new AssertionError("no expectation for golden " + name);
        }
    }

    private void assertPing(final DiscoOpenResult result, final boolean withKey, final int padding) {
        assertThat(result).isEqualTo(DiscoOpenResult.OK_PING);
        final PingFlyweight ping = parser.ping();
        assertTxId(ping::copyTxId);
        assertThat(ping.hasNodeKey()).isEqualTo(withKey);
        if (withKey) {
            assertThat(ping.nodeKeyMatches(NodeKey.fromBytes(NODE_KEY))).isTrue();
        }
        assertThat(ping.paddingLength()).isEqualTo(padding);
    }

    private interface TxIdCopier {
        void copy(byte[] dst, int offset);
    }

    private static void assertTxId(final TxIdCopier copier) {
        final byte[] tx = new byte[12];
        copier.copy(tx, 0);
        assertThat(tx).isEqualTo(TX_ID);
    }

    static List<Arguments> reproducibleGoldens() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode c : DISCO.get("upstream_payload_goldens")) {
            if (c.path("reproduced_by_generator").asBoolean(false)) {
                cases.add(Arguments.of(c.get("name").asText(), hex(c.get("payload_hex"))));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "B40 disco.json upstream_payload_goldens {0}: encodes to the golden bytes")
    @MethodSource("reproducibleGoldens")
    void goldenEncodesByteForByte(final String name, final byte[] golden) {
        final UnsafeBuffer tx = new UnsafeBuffer(TX_ID);
        final NodeKey key = NodeKey.fromBytes(NODE_KEY);
        out.setMemory(0, out.capacity(), (byte) 0x5a); // garbage: encoders must write every byte they claim
        final int length = switch (name) {
            case "ping" -> PingFlyweight.encode(out, 0, tx, 0, null, 0);
            case "ping_with_nodekey_src" -> PingFlyweight.encode(out, 0, tx, 0, key, 0);
            case "ping_with_padding" -> PingFlyweight.encode(out, 0, tx, 0, null, 3);
            case "ping_with_padding_and_nodekey_src" -> PingFlyweight.encode(out, 0, tx, 0, key, 3);
            case "pong" -> PongFlyweight.encodeIpv4(out, 0, tx, 0, AddressLiterals.parseIpv4("2.3.4.5"), 1234);
            case "pongv6" -> {
                final long[] ip = AddressLiterals.parseIpv6("fed0::12");
                yield PongFlyweight.encodeIpv6(out, 0, tx, 0, ip[0], ip[1], 6666);
            }
            case "call_me_maybe" -> CallMeMaybeFlyweight.encode(out, 0, new EndpointList(0));
            case "call_me_maybe_endpoints" -> {
                final EndpointList eps = new EndpointList(2);
                eps.addIpv4(AddressLiterals.parseIpv4("1.2.3.4"), 567);
                final long[] ip = AddressLiterals.parseIpv6("2001::3456");
                eps.addIpv6(ip[0], ip[1], 789);
                yield CallMeMaybeFlyweight.encode(out, 0, eps);
            }
            default -> throw new AssertionError("no encoder input for golden " + name);
        };
        assertThat(Vectors.toHex(Arrays.copyOf(out.byteArray(), length))).isEqualTo(Vectors.toHex(golden));
    }
}
