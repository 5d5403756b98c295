package io.derpring.keys;

import static io.derpring.testing.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.testing.SecurityGate;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeysTest {
    private static final JsonNode X25519 = Vectors.load("x25519.json");

    static List<Arguments> keypairs() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode pair : X25519.get("keypairs")) {
            if (pair.has("private_hex")) {
                cases.add(Arguments.of(pair.get("name").asText(), pair));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "x25519.json keypairs: {0}")
    @MethodSource("keypairs")
    void publicKeyIsDerivedAndPrintedAsItsTextForm(final String name, final JsonNode pair) {
        final String publicText = pair.get("public_text").asText();
        if (publicText.startsWith("nodekey:")) {
            final NodePrivateKey priv = NodePrivateKey.fromBytes(hex(pair.get("private_hex")));
            assertThat(priv.publicKey()).hasToString(publicText);
            assertThat(NodeKey.parse(publicText)).isEqualTo(priv.publicKey());
            assertThat(priv.toText()).isEqualTo(pair.get("private_text").asText());
            assertThat(NodePrivateKey.parse(pair.get("private_text").asText()).publicKey()).isEqualTo(priv.publicKey());
        } else {
            final DiscoPrivateKey priv = DiscoPrivateKey.fromBytes(hex(pair.get("private_hex")));
            assertThat(priv.publicKey()).hasToString(publicText);
            assertThat(DiscoKey.parse(publicText)).isEqualTo(priv.publicKey());
        }
    }

    @Test
    @DisplayName("B38: unclamped and clamped private keys give the same public key")
    void unclampedAndClampedPrivateKeysGiveTheSamePublicKey() {
        final JsonNode pair = X25519.get("keypairs").get(5);
        final NodePrivateKey unclamped = NodePrivateKey.fromBytes(hex(pair.get("private_hex_unclamped")));
        final NodePrivateKey clamped = NodePrivateKey.fromBytes(hex(pair.get("private_hex_clamped")));
        assertThat(unclamped.publicKey().toHex()).isEqualTo(pair.get("public_hex").asText());
        assertThat(clamped.publicKey()).isEqualTo(unclamped.publicKey());
    }

    @Test
    @DisplayName("B38: RFC 7748 §6.1 public keys")
    void rfc7748PublicKeys() {
        final JsonNode rfc = X25519.get("rfc7748_section_6_1");
        assertThat(NodePrivateKey.fromBytes(hex(rfc.get("alice_private"))).publicKey().toHex())
            .isEqualTo(rfc.get("alice_public").asText());
        assertThat(NodePrivateKey.fromBytes(hex(rfc.get("bob_private"))).publicKey().toHex())
            .isEqualTo(rfc.get("bob_public").asText());
    }

    @Test
    void goTextFormGoldenRoundTrips() {
        final JsonNode go = X25519.get("go_key_text_forms");
        final NodePrivateKey priv = NodePrivateKey.parse(go.get("private_text").asText());
        assertThat(priv.toText()).isEqualTo(go.get("private_text").asText());
        assertThat(priv.publicKey()).hasToString(go.get("public_text").asText());
    }

    @Test
    @SecurityGate
    void privateKeyToStringNeverShowsItsBytes() {
        final NodePrivateKey priv = NodePrivateKey.generate();
        final String hexBytes = priv.toText().substring("privkey:".length());
        for (final Object key : List.of(priv, DiscoPrivateKey.generate(), MachinePrivateKey.generate(),
            MeshKey.parse(hexBytes))) {
            assertThat(key.toString()).doesNotContainPattern("[0-9a-f]{16}").contains("redacted");
        }
        assertThat(priv.toString()).doesNotContain(hexBytes.substring(0, 8));
    }

    /** A secret that is one typo away from valid: the digits a malformed-key error must never echo. */
    private static final String SECRET_DIGITS = NodePrivateKey.generate().toText().substring("privkey:".length());

    static List<Arguments> malformedSecretTexts() {
        final List<Arguments> cases = new ArrayList<>();
        for (final String text : List.of(SECRET_DIGITS.substring(1), SECRET_DIGITS + "0",
            "g" + SECRET_DIGITS.substring(1), SECRET_DIGITS.substring(0, 63) + "z")) {
            cases.add(Arguments.of("node private key", "privkey:" + text));
            cases.add(Arguments.of("node private key, wrong prefix", "nodekey:" + text));
            cases.add(Arguments.of("machine private key", "privkey:" + text));
            cases.add(Arguments.of("mesh key", text));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}: {index}")
    @MethodSource("malformedSecretTexts")
    @SecurityGate
    void malformedSecretKeyTextIsRefusedWithoutEchoingItsDigits(final String kind, final String text) {
        final Throwable error = catchThrowable(() -> {
            if (kind.startsWith("node")) {
                NodePrivateKey.parse(text);
            } else if (kind.startsWith("machine")) {
                MachinePrivateKey.parse(text);
            } else {
                MeshKey.parse(text);
            }
        });
        assertThat(error).isInstanceOf(KeyFormatException.class);
        assertThat(error.getMessage()).doesNotContainPattern("[0-9a-fA-F]{16}")
            .doesNotContain(SECRET_DIGITS.substring(8, 24));
    }

    @Test
    void generatedPrivateKeysAreClampedAsGoDoes() {
        final byte[] k = NodePrivateKey.generate().rawScalar();
        assertThat(k[0] & 7).isZero();
        assertThat(k[31] & 0x80).isZero();
        assertThat(k[31] & 0x40).isEqualTo(0x40);
    }

    @Test
    void keysOfDifferentKindsWithTheSameBytesAreNotEqual() {
        final byte[] raw = hex(X25519.get("keypairs").get(0).get("public_hex"));
        assertThat((Object) NodeKey.fromBytes(raw)).isNotEqualTo(DiscoKey.fromBytes(raw));
        assertThat(NodeKey.fromBytes(raw)).isEqualTo(NodeKey.fromBytes(raw)).hasSameHashCodeAs(NodeKey.fromBytes(raw));
    }

    @Test
    void textFormWithTheWrongPrefixIsATypedError() {
        final String hexBytes = X25519.get("keypairs").get(0).get("public_hex").asText();
        assertThatThrownBy(() -> NodeKey.parse("discokey:" + hexBytes))
            .isInstanceOf(KeyFormatException.class).hasMessageContaining("nodekey:");
        assertThatThrownBy(() -> DiscoKey.parse("nodekey:" + hexBytes)).isInstanceOf(KeyFormatException.class);
        assertThatThrownBy(() -> MachineKey.parse(null)).isInstanceOf(KeyFormatException.class);
    }

    @Test
    void textFormNeedsExactly64HexDigits() {
        final String hexBytes = X25519.get("keypairs").get(0).get("public_hex").asText();
        assertThat(NodeKey.parse("nodekey:" + hexBytes).toHex()).isEqualTo(hexBytes);
        assertThat(NodeKey.parse("nodekey:" + hexBytes.toUpperCase()).toHex()).isEqualTo(hexBytes);
        assertThatThrownBy(() -> NodeKey.parse("nodekey:" + hexBytes.substring(1)))
            .isInstanceOf(KeyFormatException.class).hasMessageContaining("64 hex digits, got 63");
        assertThatThrownBy(() -> NodeKey.parse("nodekey:" + hexBytes + "0"))
            .isInstanceOf(KeyFormatException.class).hasMessageContaining("got 65");
        assertThatThrownBy(() -> NodeKey.parse("nodekey:" + "g" + hexBytes.substring(1)))
            .isInstanceOf(KeyFormatException.class).hasMessageContaining("not a hex digit");
    }

    @Test
    void rawFormNeeds32Bytes() {
        assertThat(NodeKey.fromBytes(new byte[32])).isNotNull();
        assertThatThrownBy(() -> NodeKey.fromBytes(new byte[31])).isInstanceOf(KeyFormatException.class);
        assertThat(NodeKey.fromBytes(new byte[33], 1)).isNotNull();
        assertThatThrownBy(() -> NodeKey.fromBytes(new byte[33], 2)).isInstanceOf(KeyFormatException.class);
        assertThatThrownBy(() -> NodePrivateKey.fromBytes(new byte[33])).isInstanceOf(KeyFormatException.class);
    }

    @Test
    void matchesComparesAgainstWireBytesAtAnyOffset() {
        final NodeKey key = NodePrivateKey.generate().publicKey();
        final UnsafeBuffer wire = new UnsafeBuffer(new byte[40]);
        key.writeTo(wire, 3);
        assertThat(key.matches(wire, 3)).isTrue();
        assertThat(key.matches(wire, 2)).isFalse();
        assertThat(NodeKey.read(wire, 3)).isEqualTo(key);
        wire.putByte(34, (byte) (wire.getByte(34) ^ 1));
        assertThat(key.matches(wire, 3)).isFalse();
    }

    @Test
    @SecurityGate
    void meshKeyTrimsWhitespaceAndNeverMatchesZero() {
        final String hexBytes = X25519.get("keypairs").get(0).get("public_hex").asText();
        final MeshKey mesh = MeshKey.parse("  " + hexBytes + "\n");
        assertThat(mesh.toHexText()).isEqualTo(hexBytes);
        assertThat(mesh.sameKeyAs(MeshKey.parse(hexBytes))).isTrue();
        final MeshKey zero = MeshKey.parse("0".repeat(64));
        assertThat(zero.sameKeyAs(MeshKey.parse("0".repeat(64)))).isFalse();
        assertThatThrownBy(() -> MeshKey.parse(hexBytes.substring(2))).isInstanceOf(KeyFormatException.class);
    }
}
