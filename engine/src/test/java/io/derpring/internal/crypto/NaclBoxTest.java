package io.derpring.internal.crypto;

import static io.derpring.testing.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Allocations;
import io.derpring.testing.SecurityGate;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NaclBoxTest {
    private static final JsonNode BOX = Vectors.load("box.json");
    private static final JsonNode X25519 = Vectors.load("x25519.json");

    private final NaclBox box = new NaclBox();

    static List<Arguments> openOkCases() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode c : BOX.get("cases")) {
            if (c.get("expect").asText().equals("open_ok")) {
                cases.add(Arguments.of("cases: " + c.get("desc").asText(), c));
            }
        }
        for (final JsonNode c : BOX.get("go_nacl_box_kat")) {
            cases.add(Arguments.of("go_nacl_box_kat: " + c.get("desc").asText(), c));
        }
        cases.add(Arguments.of("nacl_paper_vector", BOX.get("nacl_paper_vector")));
        return cases;
    }

    static List<Arguments> openFailsCases() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode c : BOX.get("cases")) {
            if (c.get("expect").asText().equals("open_fails")) {
                cases.add(Arguments.of(c.get("desc").asText(), c));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "B37 box.json {0}: seals to the vector bytes")
    @MethodSource("openOkCases")
    void sealReproducesTheVector(final String name, final JsonNode c) {
        final NodePrivateKey sender = NodePrivateKey.fromBytes(hex(c.get("sender_private")));
        final NodeKey recipient = NodeKey.fromBytes(hex(c.get("recipient_public")));
        final byte[] plaintext = hex(c.get("plaintext"));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[plaintext.length + NaclBox.TAG_LENGTH]);

        final int written = box.seal(BoxKey.derive(sender, recipient), Vectors.buffer(hex(c.get("nonce"))), 0,
            Vectors.buffer(plaintext), 0, plaintext.length, out, 0);

        assertThat(written).isEqualTo(plaintext.length + 16);
        assertThat(Vectors.toHex(out.byteArray())).isEqualTo(c.get("boxed").asText());
    }

    @ParameterizedTest(name = "B37 box.json {0}: opens with the recipient key")
    @MethodSource("openOkCases")
    void openReproducesThePlaintext(final String name, final JsonNode c) {
        final NodePrivateKey recipient = NodePrivateKey.fromBytes(hex(c.get("recipient_private")));
        final NodeKey sender = NodePrivateKey.fromBytes(hex(c.get("sender_private"))).publicKey();
        final byte[] boxed = hex(c.get("boxed"));
        final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(boxed.length));

        final int length = box.open(BoxKey.derive(recipient, sender), Vectors.buffer(hex(c.get("nonce"))), 0,
            Vectors.buffer(boxed), 0, boxed.length, out, 0);

        assertThat(length).isEqualTo(boxed.length - 16);
        final byte[] plaintext = new byte[length];
        out.getBytes(0, plaintext);
        assertThat(Vectors.toHex(plaintext)).isEqualTo(c.get("plaintext").asText());
    }

    @ParameterizedTest(name = "B37 box.json must fail: {0}")
    @MethodSource("openFailsCases")
    @SecurityGate
    void tamperedOrMisaddressedBoxFailsToOpenWithoutThrowing(final String name, final JsonNode c) {
        final NodePrivateKey recipient = NodePrivateKey.fromBytes(hex(c.get("recipient_private")));
        final NodeKey sender = NodeKey.fromBytes(hex(c.get("sender_public")));
        final byte[] boxed = hex(c.get("boxed"));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        out.setMemory(0, 64, (byte) 0x5a);

        final int length = box.open(BoxKey.derive(recipient, sender), Vectors.buffer(hex(c.get("nonce"))), 0,
            Vectors.buffer(boxed), 0, boxed.length, out, 0);

        assertThat(length).isEqualTo(NaclBox.OPEN_FAILED);
        for (int i = 0; i < 64; i++) {
            assertThat(out.getByte(i)).as("nothing written on failure").isEqualTo((byte) 0x5a);
        }
    }

    @Test
    @DisplayName("B38: x25519.json shared secrets give the crypto_box_beforenm keys, both directions")
    void beforenmKeysMatchTheVectors() {
        for (final JsonNode s : X25519.get("shared_secrets")) {
            final NodePrivateKey a = privateOf(s.get("a").asText());
            final NodePrivateKey b = privateOf(s.get("b").asText());
            assertThat(Vectors.toHex(BoxKey.fromSharedSecret(hex(s.get("x25519_shared_hex"))).toBytes()))
                .isEqualTo(s.get("box_beforenm_hex").asText());
            assertThat(Vectors.toHex(BoxKey.derive(a, b.publicKey()).toBytes()))
                .isEqualTo(s.get("box_beforenm_hex").asText());
            assertThat(Vectors.toHex(BoxKey.derive(b, a.publicKey()).toBytes()))
                .isEqualTo(s.get("box_beforenm_hex").asText());
        }
    }

    @Test
    @DisplayName("B38: RFC 7748 §6.1 shared secret")
    void rfc7748SharedSecret() {
        final JsonNode rfc = X25519.get("rfc7748_section_6_1");
        final byte[] shared = new byte[32];
        org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(hex(rfc.get("alice_private")), 0,
            hex(rfc.get("bob_public")), 0, shared, 0);
        assertThat(Vectors.toHex(shared)).isEqualTo(rfc.get("shared_secret").asText());
        final BoxKey viaKeys = BoxKey.derive(NodePrivateKey.fromBytes(hex(rfc.get("bob_private"))),
            NodeKey.fromBytes(hex(rfc.get("alice_public"))));
        assertThat(viaKeys.toBytes()).isEqualTo(BoxKey.fromSharedSecret(shared).toBytes());
    }

    @Test
    @SecurityGate
    void zeroPeerKeyIsRefusedWithAnError() {
        assertThatThrownBy(() -> BoxKey.derive(NodePrivateKey.generate(), NodeKey.fromBytes(new byte[32])))
            .isInstanceOf(CryptoException.class).hasMessageContaining("zero");
    }

    @Test
    @SecurityGate
    void lowOrderPeerKeyIsRefusedWithAnError() {
        final byte[] one = new byte[32];
        one[0] = 1; // u = 1 is a point of small order: the shared secret is all zeros
        assertThatThrownBy(() -> BoxKey.derive(NodePrivateKey.generate(), NodeKey.fromBytes(one)))
            .isInstanceOf(CryptoException.class).hasMessageContaining("low-order");
    }

    @Test
    @SecurityGate
    void boxKeyNeverPrintsItsBytes() {
        assertThat(BoxKey.derive(NodePrivateKey.generate(), NodePrivateKey.generate().publicKey()))
            .hasToString("BoxKey(redacted)");
    }

    @Test
    @DisplayName("B37 box.json: one NaclBox reused across every vector reproduces each (engines rekeyed in place)")
    void oneBoxReusedAcrossVectorsRekeysForEach() {
        for (final Arguments args : openOkCases()) {
            final JsonNode c = (JsonNode) args.get()[1];
            final NodePrivateKey sender = NodePrivateKey.fromBytes(hex(c.get("sender_private")));
            final NodeKey recipient = NodeKey.fromBytes(hex(c.get("recipient_public")));
            final byte[] plaintext = hex(c.get("plaintext"));
            final UnsafeBuffer sealed = new UnsafeBuffer(new byte[plaintext.length + NaclBox.TAG_LENGTH]);
            final UnsafeBuffer nonce = Vectors.buffer(hex(c.get("nonce")));

            box.seal(BoxKey.derive(sender, recipient), nonce, 0, Vectors.buffer(plaintext), 0, plaintext.length,
                sealed, 0);

            assertThat(Vectors.toHex(sealed.byteArray())).as(args.get()[0].toString())
                .isEqualTo(c.get("boxed").asText());
            final UnsafeBuffer opened = new UnsafeBuffer(new byte[plaintext.length]);
            assertThat(box.open(BoxKey.derive(sender, recipient), nonce, 0, sealed, 0, sealed.capacity(), opened, 0))
                .as(args.get()[0].toString()).isEqualTo(plaintext.length);
            assertThat(opened.byteArray()).isEqualTo(plaintext);
        }
    }

    static IntStream chunkEdgeLengths() {
        final int chunk = NaclBox.CHUNK_LENGTH;
        return IntStream.of(chunk - 1, chunk, chunk + 1, 2 * chunk + 17, 65_535);
    }

    /**
     * The vectors stop at 1 KiB, below one scratch chunk. Across chunk edges the keystream and the MAC must carry on
     * as if the message were processed in one call, which Bouncy Castle's one-shot secretbox shows.
     */
    @ParameterizedTest(name = "seal and open of {0} bytes match a one-shot secretbox")
    @MethodSource("chunkEdgeLengths")
    void sealAcrossChunkEdgesMatchesOneShotSecretbox(final int length) {
        final SplittableRandom random = new SplittableRandom(length);
        final byte[] key = bytes(random, 32);
        final byte[] nonce = bytes(random, 24);
        final byte[] plaintext = bytes(random, length);
        final UnsafeBuffer sealed = new UnsafeBuffer(ByteBuffer.allocateDirect(length + 16));

        box.seal(BoxKey.fromBytes(key), Vectors.buffer(nonce), 0, Vectors.buffer(plaintext), 0, length, sealed, 0);

        final byte[] sealedBytes = new byte[length + 16];
        sealed.getBytes(0, sealedBytes);
        assertThat(sealedBytes).isEqualTo(oneShotSecretbox(key, nonce, plaintext));
        final UnsafeBuffer opened = new UnsafeBuffer(new byte[length]);
        assertThat(box.open(BoxKey.fromBytes(key), Vectors.buffer(nonce), 0, sealed, 0, length + 16, opened, 0))
            .isEqualTo(length);
        assertThat(opened.byteArray()).isEqualTo(plaintext);
    }

    @Test
    @SecurityGate
    void anySingleBitFlipMakesOpenFail() {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final BoxKey key = BoxKey.fromBytes(bytes(random, 32));
        final UnsafeBuffer nonce = Vectors.buffer(bytes(random, 24));
        for (int i = 0; i < 2000; i++) {
            final int length = random.nextInt(300);
            final UnsafeBuffer sealed = new UnsafeBuffer(new byte[length + 16]);
            box.seal(key, nonce, 0, Vectors.buffer(bytes(random, length)), 0, length, sealed, 0);
            final int bit = random.nextInt((length + 16) * 8);
            sealed.putByte(bit >> 3, (byte) (sealed.getByte(bit >> 3) ^ (1 << (bit & 7))));
            assertThat(box.open(key, nonce, 0, sealed, 0, length + 16, new UnsafeBuffer(new byte[length]), 0))
                .as("seed %d case %d bit %d", seed, i, bit).isEqualTo(NaclBox.OPEN_FAILED);
        }
    }

    @Test
    void boxShorterThanTheTagFailsToOpen() {
        final BoxKey key = BoxKey.fromBytes(new byte[32]);
        final UnsafeBuffer any = new UnsafeBuffer(new byte[32]);
        assertThat(box.open(key, any, 0, any, 0, 15, any, 0)).isEqualTo(NaclBox.OPEN_FAILED);
        assertThat(box.open(key, any, 0, any, 0, -1, any, 0)).isEqualTo(NaclBox.OPEN_FAILED);
        final UnsafeBuffer tagOnly = new UnsafeBuffer(new byte[16]);
        box.seal(key, any, 0, any, 0, 0, tagOnly, 0);
        assertThat(box.open(key, any, 0, tagOnly, 0, 16, any, 0)).isZero();
    }

    static IntStream inPlaceLengths() {
        return IntStream.of(1200, 2 * NaclBox.CHUNK_LENGTH + 17);
    }

    @ParameterizedTest(name = "{0} bytes: seal in place, open onto the ciphertext")
    @MethodSource("inPlaceLengths")
    void sealAndOpenWorkInPlace(final int length) {
        final SplittableRandom random = new SplittableRandom(7);
        final BoxKey key = BoxKey.fromBytes(bytes(random, 32));
        final UnsafeBuffer nonce = Vectors.buffer(bytes(random, 24));
        final byte[] plaintext = bytes(random, length);
        final UnsafeBuffer separate = new UnsafeBuffer(new byte[length + 16]);
        box.seal(key, nonce, 0, Vectors.buffer(plaintext), 0, length, separate, 0);

        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(length + 16));
        buffer.putBytes(16, plaintext);
        box.seal(key, nonce, 0, buffer, 16, length, buffer, 0);
        for (int i = 0; i < length + 16; i++) {
            assertThat(buffer.getByte(i)).isEqualTo(separate.getByte(i));
        }
        assertThat(box.open(key, nonce, 0, buffer, 0, length + 16, buffer, 16)).isEqualTo(length);
        final byte[] back = new byte[length];
        buffer.getBytes(16, back);
        assertThat(back).isEqualTo(plaintext);
    }

    @ParameterizedTest(name = "{0} bytes: open in place onto the box start")
    @MethodSource("inPlaceLengths")
    void openInPlaceOntoTheBoxStartKeepsUnreadCiphertext(final int length) {
        final SplittableRandom random = new SplittableRandom(11);
        final BoxKey key = BoxKey.fromBytes(bytes(random, 32));
        final UnsafeBuffer nonce = Vectors.buffer(bytes(random, 24));
        final byte[] plaintext = bytes(random, length);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(length + 16));
        box.seal(key, nonce, 0, Vectors.buffer(plaintext), 0, length, buffer, 0);

        assertThat(box.open(key, nonce, 0, buffer, 0, length + 16, buffer, 0)).isEqualTo(length);

        final byte[] back = new byte[length];
        buffer.getBytes(0, back);
        assertThat(back).isEqualTo(plaintext);
    }

    @Test
    void sealAndOpenOf1200BytesAllocateNothingOnceWarm() {
        final BoxKey key = BoxKey.fromBytes(new byte[32]);
        final UnsafeBuffer nonce = new UnsafeBuffer(ByteBuffer.allocateDirect(24));
        final UnsafeBuffer plain = new UnsafeBuffer(ByteBuffer.allocateDirect(1200));
        final UnsafeBuffer sealed = new UnsafeBuffer(ByteBuffer.allocateDirect(1216));
        final long allocated = Allocations.measure(20_000, () -> {
            box.seal(key, nonce, 0, plain, 0, 1200, sealed, 0);
            box.open(key, nonce, 0, sealed, 0, 1216, plain, 0);
        });
        assertThat(allocated).as("bytes allocated by 20k seal+open").isLessThan(1024);
    }

    private static NodePrivateKey privateOf(final String name) {
        for (final JsonNode pair : X25519.get("keypairs")) {
            if (name.equals(pair.get("name").asText())) {
                return NodePrivateKey.fromBytes(hex(pair.get("private_hex")));
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static byte[] bytes(final SplittableRandom random, final int n) {
        final byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** NaCl secretbox in one Bouncy Castle call each: keystream XOR of 32 zero bytes || m; MAC key = first 32 bytes. */
    private static byte[] oneShotSecretbox(final byte[] key, final byte[] nonce, final byte[] plaintext) {
        final XSalsa20Engine cipher = new XSalsa20Engine();
        cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        final byte[] padded = new byte[32 + plaintext.length];
        System.arraycopy(plaintext, 0, padded, 32, plaintext.length);
        final byte[] stream = new byte[padded.length];
        cipher.processBytes(padded, 0, padded.length, stream, 0);
        final Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(Arrays.copyOfRange(stream, 0, 32)));
        mac.update(stream, 32, plaintext.length);
        final byte[] out = new byte[16 + plaintext.length];
        mac.doFinal(out, 0);
        System.arraycopy(stream, 32, out, 16, plaintext.length);
        return out;
    }
}
