package io.derpring.internal.disco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.keys.DiscoPrivateKey;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sealer refuses what could not be sent or would not fit (SPEC §4.1): a sealed packet is at most
 * {@link DiscoHeaderFlyweight#MAX_SEALED_LENGTH} (the DERP packet limit), and it must fit in the destination.
 */
class DiscoSealerLimitsTest {
    private static final int MAX_PAYLOAD =
        DiscoHeaderFlyweight.MAX_SEALED_LENGTH - DiscoHeaderFlyweight.PAYLOAD_IN_PLACE_OFFSET;
    private static final DiscoPrivateKey SENDER = DiscoPrivateKey.generate();
    private static final DiscoPrivateKey RECIPIENT = DiscoPrivateKey.generate();

    private final DiscoSealer sealer = new DiscoSealer(SENDER.publicKey());
    private final BoxKey key = new DiscoKeyCache(SENDER).boxKeyFor(RECIPIENT.publicKey());
    private final UnsafeBuffer nonce = new UnsafeBuffer(new byte[DiscoHeaderFlyweight.NONCE_LENGTH]);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[MAX_PAYLOAD + 1]);
    private final UnsafeBuffer big = new UnsafeBuffer(new byte[DiscoHeaderFlyweight.MAX_SEALED_LENGTH + 100]);

    @ParameterizedTest(name = "payload of MAX - {0}: sealed with a given nonce")
    @ValueSource(ints = {0, 1})
    void aPayloadUpToTheLimitIsSealedWithAGivenNonce(final int below) {
        final int length = MAX_PAYLOAD - below;
        assertThat(sealer.seal(key, nonce, 0, payload, 0, length, big, 0)).isEqualTo(DiscoSealer.sealedLength(length));
    }

    @Test
    void aPayloadAboveTheLimitIsRefusedWithAGivenNonce() {
        assertThatThrownBy(() -> sealer.seal(key, nonce, 0, payload, 0, MAX_PAYLOAD + 1, big, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Integer.toString(MAX_PAYLOAD));
    }

    @Test
    void aPayloadAtTheLimitIsSealedWithARandomNonce() {
        assertThat(sealer.seal(key, payload, 0, MAX_PAYLOAD, big, 0))
            .isEqualTo(DiscoHeaderFlyweight.MAX_SEALED_LENGTH);
    }

    @Test
    void aPayloadAboveTheLimitIsRefusedWithARandomNonce() {
        assertThatThrownBy(() -> sealer.seal(key, payload, 0, MAX_PAYLOAD + 1, big, 0))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegativePayloadLengthIsRefused() {
        assertThatThrownBy(() -> sealer.seal(key, payload, 0, -1, big, 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sealer.seal(key, nonce, 0, payload, 0, -1, big, 0))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyPayloadIsSealedToTheHeaderAndTag() {
        assertThat(sealer.seal(key, payload, 0, 0, big, 0)).isEqualTo(DiscoHeaderFlyweight.PAYLOAD_IN_PLACE_OFFSET);
    }

    @ParameterizedTest(name = "destination {0} bytes larger than needed at offset 3: sealed")
    @ValueSource(ints = {0, 1})
    void aPacketThatFitsTheDestinationIsSealed(final int spare) {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[3 + DiscoSealer.sealedLength(20) + spare]);
        assertThat(sealer.seal(key, payload, 0, 20, dst, 3)).isEqualTo(DiscoSealer.sealedLength(20));
        assertThat(DiscoHeaderFlyweight.looksLikeDisco(dst, 3, DiscoSealer.sealedLength(20))).isTrue();
    }

    @Test
    void aPacketOneByteLargerThanTheDestinationIsRefused() {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[3 + DiscoSealer.sealedLength(20) - 1]);
        assertThatThrownBy(() -> sealer.seal(key, payload, 0, 20, dst, 3))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sealer.seal(key, nonce, 0, payload, 0, 20, dst, 3))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNegativeDestinationOffsetIsRefused() {
        assertThatThrownBy(() -> sealer.seal(key, payload, 0, 20, big, -1))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExpandableDestinationGrowsToTheSealedPacket() {
        final ExpandableArrayBuffer dst = new ExpandableArrayBuffer(8);
        final int length = sealer.seal(key, payload, 0, 500, dst, 0);
        assertThat(length).isEqualTo(DiscoSealer.sealedLength(500));
        assertThat(dst.capacity()).isGreaterThanOrEqualTo(length);
    }

    @Test
    void theGivenNonceIsWrittenIntoThePacket() {
        final UnsafeBuffer chosen = new UnsafeBuffer(new byte[30]);
        for (int i = 0; i < 30; i++) {
            chosen.putByte(i, (byte) (i + 1));
        }
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[200]);
        sealer.seal(key, chosen, 5, payload, 0, 20, dst, 0);
        for (int i = 0; i < DiscoHeaderFlyweight.NONCE_LENGTH; i++) {
            assertThat(dst.getByte(DiscoHeaderFlyweight.NONCE_OFFSET + i)).isEqualTo((byte) (i + 6));
        }
    }

    private static UnsafeBuffer numbered(final int length, final int from) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[length]);
        for (int i = 0; i < length; i++) {
            b.putByte(i, (byte) (from + i));
        }
        return b;
    }

    private static void assertNonceAt(final UnsafeBuffer packet, final int packetOffset, final UnsafeBuffer source,
                                      final int sourceOffset) {
        for (int i = 0; i < DiscoHeaderFlyweight.NONCE_LENGTH; i++) {
            assertThat(packet.getByte(packetOffset + DiscoHeaderFlyweight.NONCE_OFFSET + i))
                .isEqualTo(source.getByte(sourceOffset + i));
        }
    }

    @Test
    void aNonceFromAnotherBufferAtTheNonceOffsetIsCopiedIn() {
        final UnsafeBuffer chosen = numbered(100, 1);
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[200]);
        sealer.seal(key, chosen, DiscoHeaderFlyweight.NONCE_OFFSET, payload, 0, 20, dst, 0);
        assertNonceAt(dst, 0, chosen, DiscoHeaderFlyweight.NONCE_OFFSET);
    }

    @Test
    void aNonceElsewhereInTheDestinationIsCopiedToItsPlace() {
        final UnsafeBuffer dst = numbered(400, 3);
        final byte[] expected = new byte[DiscoHeaderFlyweight.NONCE_LENGTH];
        dst.getBytes(300, expected);
        sealer.seal(key, dst, 300, payload, 0, 20, dst, 0);
        assertNonceAt(dst, 0, new UnsafeBuffer(expected), 0);
    }

    @Test
    void aNonceBeforeAPacketAtAnOffsetIsCopiedToItsPlace() {
        final int at = 100;
        final int nonceAt = at - DiscoHeaderFlyweight.NONCE_OFFSET; // not where the packet's nonce goes
        final UnsafeBuffer dst = numbered(400, 7);
        final byte[] expected = new byte[DiscoHeaderFlyweight.NONCE_LENGTH];
        dst.getBytes(nonceAt, expected);
        sealer.seal(key, dst, nonceAt, payload, 0, 20, dst, at);
        assertNonceAt(dst, at, new UnsafeBuffer(expected), 0);
    }
}
