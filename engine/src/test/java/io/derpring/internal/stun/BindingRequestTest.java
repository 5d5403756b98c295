package io.derpring.internal.stun;

import static io.derpring.testing.StunPackets.BINDING_REQUEST;
import static io.derpring.testing.StunPackets.Fingerprint.CORRUPT;
import static io.derpring.testing.StunPackets.Fingerprint.NONE;
import static io.derpring.testing.StunPackets.Fingerprint.VALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.derpring.testing.StunPackets;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Go {@code stun.ParseBindingRequest} and {@code stun.Is}, case by case. */
class BindingRequestTest {
    private static final byte[] TX = StunPackets.txId(0x5a);
    private static final String COOKIE = "2112a442";
    private static final String ZERO_TX = "000000000000000000000000";

    static Stream<Arguments> cases() {
        return Stream.of(
            Arguments.of("Go Request(): SOFTWARE tailnode, FINGERPRINT", StunPackets.tailnodeRequest(TX),
                StunRequestCheck.TAILNODE_BINDING_REQUEST),
            Arguments.of("empty datagram", new byte[0], StunRequestCheck.NOT_STUN),
            Arguments.of("19 bytes: shorter than a header", Arrays.copyOf(StunPackets.tailnodeRequest(TX), 19),
                StunRequestCheck.NOT_STUN),
            Arguments.of("Go TestIs: 20 zero bytes (no cookie)", new byte[20], StunRequestCheck.NOT_STUN),
            Arguments.of("Go TestIs: 0xf0 first byte", Vectors.hex("f0000000" + COOKIE + ZERO_TX), StunRequestCheck.NOT_STUN),
            Arguments.of("Go TestIs: 0x40 first byte", Vectors.hex("40000000" + COOKIE + ZERO_TX), StunRequestCheck.NOT_STUN),
            Arguments.of("Go TestIs: 0x20 first byte is STUN, not a Binding request",
                Vectors.hex("20000000" + COOKIE + ZERO_TX), StunRequestCheck.NOT_BINDING_REQUEST),
            Arguments.of("Binding success, not request", StunPackets.request(0x0101, TX, "tailnode", VALID),
                StunRequestCheck.NOT_BINDING_REQUEST),
            Arguments.of("header only: no SOFTWARE", StunPackets.request(BINDING_REQUEST, TX, null, NONE),
                StunRequestCheck.WRONG_SOFTWARE),
            Arguments.of("SOFTWARE tailnodf", StunPackets.request(BINDING_REQUEST, TX, "tailnodf", VALID),
                StunRequestCheck.WRONG_SOFTWARE),
            Arguments.of("SOFTWARE tailnode2 (longer)", StunPackets.request(BINDING_REQUEST, TX, "tailnode2", VALID),
                StunRequestCheck.WRONG_SOFTWARE),
            Arguments.of("no FINGERPRINT", StunPackets.request(BINDING_REQUEST, TX, "tailnode", NONE),
                StunRequestCheck.NO_FINGERPRINT),
            Arguments.of("FINGERPRINT off by one bit", StunPackets.request(BINDING_REQUEST, TX, "tailnode", CORRUPT),
                StunRequestCheck.WRONG_FINGERPRINT),
            Arguments.of("FINGERPRINT not last", withTrailingAttribute(StunPackets.tailnodeRequest(TX)),
                StunRequestCheck.NO_FINGERPRINT),
            Arguments.of("attribute longer than the datagram", truncated(StunPackets.tailnodeRequest(TX), 2),
                StunRequestCheck.MALFORMED_ATTRIBUTES),
            Arguments.of("3 stray bytes after the header", Arrays.copyOf(StunPackets.request(BINDING_REQUEST, TX, null, NONE), 23),
                StunRequestCheck.MALFORMED_ATTRIBUTES));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checksAsGoDoes(final String name, final byte[] datagram, final StunRequestCheck expected) {
        assertThat(BindingRequest.check(new UnsafeBuffer(datagram), 0, datagram.length)).isEqualTo(expected);
    }

    @Test
    void aRequestIsCheckedAtAnyOffsetWithinItsBuffer() {
        final byte[] request = StunPackets.tailnodeRequest(TX);
        final byte[] framed = new byte[request.length + 13];
        System.arraycopy(request, 0, framed, 7, request.length);
        assertThat(BindingRequest.check(new UnsafeBuffer(framed), 7, request.length))
            .isEqualTo(StunRequestCheck.TAILNODE_BINDING_REQUEST);
    }

    /** Go walks the attributes over the whole datagram and never reads the header's length field. */
    @Test
    void theHeaderLengthFieldIsNotConsultedAsInGo() {
        final byte[] request = StunPackets.tailnodeRequest(TX);
        request[3] = 0; // claims no attributes; the FINGERPRINT covers this byte, so recompute it
        final int fp = StunPackets.crc(Arrays.copyOf(request, request.length - 8)) ^ 0x5354_554E;
        new UnsafeBuffer(request).putInt(request.length - 4, fp, java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(BindingRequest.check(new UnsafeBuffer(request), 0, request.length))
            .isEqualTo(StunRequestCheck.TAILNODE_BINDING_REQUEST);
    }

    @Test
    void aTailnodeSoftwareAttributeAnywhereCounts() {
        // Go sets softwareOK for any SOFTWARE attribute reading "tailnode", whatever comes before it.
        final byte[] request = StunPackets.request(BINDING_REQUEST, TX, "other", NONE);
        final byte[] withTailnode = concat(request, Vectors.hex("80220008" + hex("tailnode")));
        final byte[] signed = signed(withTailnode);
        assertThat(BindingRequest.check(new UnsafeBuffer(signed), 0, signed.length))
            .isEqualTo(StunRequestCheck.TAILNODE_BINDING_REQUEST);
    }

    @Test
    void randomBytesNeverThrow() {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] valid = StunPackets.tailnodeRequest(TX);
        for (int i = 0; i < 20_000; i++) {
            final byte[] datagram = i % 2 == 0 ? new byte[random.nextInt(64)] : valid.clone();
            if (i % 2 == 0) {
                random.nextBytes(datagram);
                if (datagram.length >= 8 && random.nextBoolean()) {
                    new UnsafeBuffer(datagram).putInt(4, StunHeaderFlyweight.MAGIC_COOKIE, java.nio.ByteOrder.BIG_ENDIAN);
                    datagram[0] &= 0x3f;
                }
            } else {
                datagram[random.nextInt(datagram.length)] = (byte) random.nextInt(256);
            }
            assertThatCode(() -> BindingRequest.check(new UnsafeBuffer(datagram), 0, datagram.length))
                .as("seed %d, case %d", seed, i).doesNotThrowAnyException();
        }
    }

    private static byte[] withTrailingAttribute(final byte[] request) {
        return concat(request, Vectors.hex("00240004" + "6e0001ff")); // PRIORITY after FINGERPRINT
    }

    private static byte[] truncated(final byte[] request, final int by) {
        return Arrays.copyOf(request, request.length - by);
    }

    /** Appends a FINGERPRINT over {@code message}. */
    private static byte[] signed(final byte[] message) {
        final int fp = StunPackets.crc(message) ^ 0x5354_554E;
        final byte[] out = concat(message, Vectors.hex("80280004" + String.format("%08x", fp)));
        return out;
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String hex(final String ascii) {
        return Vectors.toHex(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
