package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import io.derpring.internal.disco.DiscoHeaderFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadFlyweightTest {
    private final CRC32C crc = new CRC32C();

    private byte[] dataPacket(final int length, final int pair, final long seq) {
        final byte[] b = new byte[length];
        PayloadFlyweight.writeFill(b, length, PayloadFlyweight.patternOf(seq));
        final UnsafeBuffer v = new UnsafeBuffer(b);
        PayloadFlyweight.writeHeader(v, 0, PayloadFlyweight.KIND_DATA, true, pair, seq, 123_456_789L);
        PayloadFlyweight.seal(crc, b, length, v);
        return b;
    }

    @Test
    void headerFieldsReadBackAsWritten() {
        final byte[] b = dataPacket(1200, 7, 1L << 40);
        final UnsafeBuffer v = new UnsafeBuffer(b);
        assertThat(PayloadFlyweight.kind(v, 0)).isEqualTo(PayloadFlyweight.KIND_DATA);
        assertThat(PayloadFlyweight.isWarmup(v, 0)).isTrue();
        assertThat(PayloadFlyweight.pair(v, 0)).isEqualTo(7);
        assertThat(PayloadFlyweight.seq(v, 0)).isEqualTo(1L << 40);
        assertThat(PayloadFlyweight.scheduledNs(v, 0)).isEqualTo(123_456_789L);
        assertThat(PayloadFlyweight.verify(crc, b, b.length, v)).isTrue();
    }

    @Test
    void headerLengthIsTheLastFieldsEnd() {
        assertThat(PayloadFlyweight.HEADER_LENGTH).isEqualTo(28);
        assertThat(PayloadFlyweight.ACK_LENGTH).isEqualTo(PayloadFlyweight.HEADER_LENGTH);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {PayloadFlyweight.HEADER_LENGTH, PayloadFlyweight.HEADER_LENGTH + 1, 1200, 65536})
    void everySingleBitFlipIsCaught(final int length) {
        final byte[] b = dataPacket(length, 1, 42);
        final UnsafeBuffer v = new UnsafeBuffer(b);
        final int step = Math.max(1, length / 512); // every byte of small packets, a spread over large ones
        for (int i = 0; i < length; i += step) {
            for (int bit = 0; bit < 8; bit++) {
                b[i] ^= (byte) (1 << bit);
                assertThat(PayloadFlyweight.verify(crc, b, length, v)).as("byte %d bit %d", i, bit).isFalse();
                b[i] ^= (byte) (1 << bit);
            }
        }
        assertThat(PayloadFlyweight.verify(crc, b, length, v)).isTrue();
    }

    @Test
    void truncatedPacketsFailVerification() {
        final byte[] b = dataPacket(1200, 1, 3);
        final UnsafeBuffer v = new UnsafeBuffer(b);
        assertThat(PayloadFlyweight.verify(crc, b, 1199, v)).isFalse();
        assertThat(PayloadFlyweight.verify(crc, b, PayloadFlyweight.HEADER_LENGTH - 1, v)).isFalse();
    }

    @Test
    void oneSeqsHeaderOnAnotherSeqsFillIsCaught() {
        final byte[] a = dataPacket(1200, 1, 0);
        final byte[] b = dataPacket(1200, 1, 1);
        System.arraycopy(a, 0, b, 0, PayloadFlyweight.HEADER_LENGTH);
        assertThat(PayloadFlyweight.verify(crc, b, b.length, new UnsafeBuffer(b))).isFalse();
    }

    @Test
    void fillPatternsDifferFromEachOther() {
        final byte[] p0 = new byte[200];
        final byte[] p1 = new byte[200];
        PayloadFlyweight.writeFill(p0, 200, 0);
        PayloadFlyweight.writeFill(p1, 200, 1);
        assertThat(p0).isNotEqualTo(p1);
        assertThat(PayloadFlyweight.patternOf(PayloadFlyweight.FILL_PATTERNS)).isZero();
        assertThat(PayloadFlyweight.patternOf(PayloadFlyweight.FILL_PATTERNS + 3)).isEqualTo(3);
    }

    @Test
    void noPayloadLooksLikeDisco() {
        // The engine's disco stage would consume it; our kinds are never the disco magic's first byte.
        final SplittableRandom random = new SplittableRandom(9L);
        for (int i = 0; i < 1000; i++) {
            final byte[] b = dataPacket(64 + random.nextInt(200), random.nextInt(100), random.nextLong(1L << 50));
            assertThat(DiscoHeaderFlyweight.looksLikeDisco(new UnsafeBuffer(b), 0, b.length)).isFalse();
        }
    }
}
