package io.derpring.internal.stun;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.derpring.testing.StunPackets;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RFC 5769's test vectors exercise the codec: header and attribute parsing, FINGERPRINT and XOR-MAPPED-ADDRESS for
 * IPv4 and IPv6. They test the codec only: the sample request is not from Tailscale, so it goes unanswered, as Go
 * leaves it unanswered.
 */
class Rfc5769VectorsTest {
    static final String SAMPLE_REQUEST = StunPackets.RFC5769_SAMPLE_REQUEST;
    /** RFC 5769 §2.2: mapped address 192.0.2.1 port 32853. */
    static final String SAMPLE_IPV4_RESPONSE = "0101003c2112a442b7e7a701bc34d686fa87dfae"
        + "8022000b7465737420766563746f7220"
        + "002000080001a147e112a643"
        + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
        + "80280004c07d4c96";
    /** RFC 5769 §2.3: mapped address 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
    static final String SAMPLE_IPV6_RESPONSE = "010100482112a442b7e7a701bc34d686fa87dfae"
        + "8022000b7465737420766563746f7220"
        + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
        + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
        + "80280004c8fb0b4c";
    static final int SAMPLE_PORT = 32853;

    @Test
    @DisplayName("RFC 5769 2.1: the sample request's header and attributes parse in place")
    void sampleRequestHeaderAndAttributesParse() {
        final UnsafeBuffer b = buffer(SAMPLE_REQUEST);
        assertThat(StunHeaderFlyweight.isStun(b, 0, b.capacity())).isTrue();
        assertThat(StunHeaderFlyweight.messageType(b, 0)).isEqualTo(StunHeaderFlyweight.BINDING_REQUEST);
        assertThat(StunHeaderFlyweight.messageLength(b, 0)).isEqualTo(b.capacity() - StunHeaderFlyweight.HEADER_LENGTH);
        final int software = StunHeaderFlyweight.HEADER_LENGTH;
        assertThat(StunAttributeFlyweight.type(b, software)).isEqualTo(StunAttributeFlyweight.SOFTWARE);
        assertThat(b.getStringWithoutLengthAscii(software + StunAttributeFlyweight.VALUE_OFFSET,
            StunAttributeFlyweight.valueLength(b, software))).isEqualTo("STUN test client");
        assertThat(attributeTypes(b)).containsExactly(0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028);
    }

    @Test
    @DisplayName("RFC 5769 2.1: the USERNAME's 9 bytes are padded to 12, and the walk lands on FINGERPRINT")
    void sampleRequestPaddingIsSkipped() {
        final UnsafeBuffer b = buffer(SAMPLE_REQUEST);
        final int username = attributeOffset(b, 0x0006);
        assertThat(StunAttributeFlyweight.valueLength(b, username)).isEqualTo(9);
        assertThat(StunAttributeFlyweight.paddedLength(9)).isEqualTo(12);
        assertThat(b.getStringWithoutLengthUtf8(username + StunAttributeFlyweight.VALUE_OFFSET, 9)).isEqualTo("evtj:h6vY");
    }

    @Test
    @DisplayName("RFC 5769 2.1, 2.2, 2.3: each sample's FINGERPRINT is the CRC-32 of what precedes it XOR 0x5354554e")
    void sampleFingerprintsMatch() {
        for (final String hex : new String[] {SAMPLE_REQUEST, SAMPLE_IPV4_RESPONSE, SAMPLE_IPV6_RESPONSE}) {
            final UnsafeBuffer b = buffer(hex);
            final int fp = b.capacity() - StunFingerprint.ATTRIBUTE_LENGTH;
            assertThat(StunAttributeFlyweight.type(b, fp)).isEqualTo(StunAttributeFlyweight.FINGERPRINT);
            assertThat(StunFingerprint.of(b, 0, fp))
                .isEqualTo(b.getInt(fp + StunAttributeFlyweight.VALUE_OFFSET, BIG_ENDIAN));
        }
    }

    @Test
    @DisplayName("CRC-32 (IEEE) check value: crc32(\"123456789\") = 0xcbf43926")
    void crc32CheckValue() {
        final UnsafeBuffer b = new UnsafeBuffer("123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(StunFingerprint.crc32(b, 0, b.capacity())).isEqualTo(0xCBF4_3926);
    }

    @Test
    @DisplayName("RFC 5769 2.2: XOR-MAPPED-ADDRESS decodes to 192.0.2.1:32853")
    void ipv4XorMappedAddressDecodes() throws Exception {
        final UnsafeBuffer b = buffer(SAMPLE_IPV4_RESPONSE);
        final int value = attributeOffset(b, StunAttributeFlyweight.XOR_MAPPED_ADDRESS) + StunAttributeFlyweight.VALUE_OFFSET;
        assertThat(XorMappedAddressFlyweight.family(b, value)).isEqualTo(XorMappedAddressFlyweight.FAMILY_IPV4);
        assertThat(XorMappedAddressFlyweight.port(b, value)).isEqualTo(SAMPLE_PORT);
        final byte[] address = new byte[16];
        assertThat(XorMappedAddressFlyweight.address(b, value, 0, address)).isEqualTo(4);
        assertThat(Arrays.copyOf(address, 4)).isEqualTo(InetAddress.getByName("192.0.2.1").getAddress());
    }

    @Test
    @DisplayName("RFC 5769 2.3: XOR-MAPPED-ADDRESS decodes to [2001:db8:1234:5678:11:2233:4455:6677]:32853")
    void ipv6XorMappedAddressDecodes() throws Exception {
        final UnsafeBuffer b = buffer(SAMPLE_IPV6_RESPONSE);
        final int value = attributeOffset(b, StunAttributeFlyweight.XOR_MAPPED_ADDRESS) + StunAttributeFlyweight.VALUE_OFFSET;
        assertThat(XorMappedAddressFlyweight.family(b, value)).isEqualTo(XorMappedAddressFlyweight.FAMILY_IPV6);
        assertThat(XorMappedAddressFlyweight.port(b, value)).isEqualTo(SAMPLE_PORT);
        final byte[] address = new byte[16];
        assertThat(XorMappedAddressFlyweight.address(b, value, 0, address)).isEqualTo(16);
        assertThat(address).isEqualTo(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677").getAddress());
    }

    @Test
    @DisplayName("RFC 5769 2.2, 2.3: XOR-MAPPED-ADDRESS encodes to the samples' bytes for the same transaction id")
    void xorMappedAddressEncodesToTheSampleBytes() throws Exception {
        assertEncodes(SAMPLE_IPV4_RESPONSE, "192.0.2.1");
        assertEncodes(SAMPLE_IPV6_RESPONSE, "2001:db8:1234:5678:11:2233:4455:6677");
    }

    @Test
    @DisplayName("RFC 5769 2.1: Go would not answer the sample request (SOFTWARE is not \"tailnode\"), nor do we")
    void sampleRequestIsNotAnswered() {
        final UnsafeBuffer b = buffer(SAMPLE_REQUEST);
        assertThat(BindingRequest.check(b, 0, b.capacity())).isEqualTo(StunRequestCheck.WRONG_SOFTWARE);
    }

    private static void assertEncodes(final String sample, final String ip) throws Exception {
        final UnsafeBuffer vector = buffer(sample);
        final int attribute = attributeOffset(vector, StunAttributeFlyweight.XOR_MAPPED_ADDRESS);
        final byte[] address = InetAddress.getByName(ip).getAddress();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[BindingResponse.MAX_LENGTH]);
        final int length = BindingResponse.write(out, 0, vector, 0, address, SAMPLE_PORT);
        final int valueLength = StunAttributeFlyweight.valueLength(vector, attribute);
        final byte[] expected = new byte[StunAttributeFlyweight.HEADER_LENGTH + valueLength];
        vector.getBytes(attribute, expected);
        final byte[] actual = new byte[expected.length];
        out.getBytes(StunHeaderFlyweight.HEADER_LENGTH, actual);
        assertThat(actual).isEqualTo(expected);
        assertThat(length).isEqualTo(StunHeaderFlyweight.HEADER_LENGTH + expected.length);
    }

    static UnsafeBuffer buffer(final String hex) {
        return new UnsafeBuffer(Vectors.hex(hex));
    }

    private static int attributeOffset(final UnsafeBuffer b, final int type) {
        for (int at = StunHeaderFlyweight.HEADER_LENGTH; at < b.capacity();
             at += StunAttributeFlyweight.HEADER_LENGTH + StunAttributeFlyweight.paddedLength(StunAttributeFlyweight.valueLength(b, at))) {
            if (StunAttributeFlyweight.type(b, at) == type) {
                return at;
            }
        }
        throw new AssertionError("no attribute " + Integer.toHexString(type));
    }

    private static java.util.List<Integer> attributeTypes(final UnsafeBuffer b) {
        final java.util.List<Integer> types = new java.util.ArrayList<>();
        for (int at = StunHeaderFlyweight.HEADER_LENGTH; at < b.capacity();
             at += StunAttributeFlyweight.HEADER_LENGTH + StunAttributeFlyweight.paddedLength(StunAttributeFlyweight.valueLength(b, at))) {
            types.add(StunAttributeFlyweight.type(b, at));
        }
        return types;
    }
}
