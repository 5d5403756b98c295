package io.derpring.derpmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {
    private static final HexFormat HEX = HexFormat.of();

    static Stream<Arguments> ipv4Literals() {
        return Stream.of(
            Arguments.of("0.0.0.0", "00000000"),
            Arguments.of("127.0.0.1", "7f000001"),
            Arguments.of("255.255.255.255", "ffffffff"),
            Arguments.of("10.20.30.40", "0a141e28"),
            Arguments.of("1.0.10.100", "01000a64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ipv4Literals")
    void ipv4LiteralParsesToItsBytes(final String text, final String hex) {
        assertThat(IpLiteral.parseIpv4(text)).isEqualTo(HEX.parseHex(hex));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "none", "not-an-ip", "localhost", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256",
        "01.2.3.4", "1.2.3.04", "00.0.0.0", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4",
        "+1.2.3.4", "0x7f.0.0.1", "1234.1.1.1", "::1", "::ffff:1.2.3.4", "1.2.3.4/32", "1.2.3.4:80",
        "\u0661.2.3.4", "\uff11.2.3.4", "derp1.tailscale.com"})
    void notAnIpv4Literal(final String text) {
        assertThat(IpLiteral.parseIpv4(text)).isNull();
    }

    static Stream<Arguments> ipv6Literals() {
        return Stream.of(
            Arguments.of("::", "00000000000000000000000000000000"),
            Arguments.of("::1", "00000000000000000000000000000001"),
            Arguments.of("1::", "00010000000000000000000000000000"),
            Arguments.of("fe80::1", "fe800000000000000000000000000001"),
            Arguments.of("2001:db8::8a2e:370:7334", "20010db80000000000008a2e03707334"),
            Arguments.of("2001:DB8:0:0:0:0:0:1", "20010db8000000000000000000000001"),
            Arguments.of("1:2:3:4:5:6:7:8", "00010002000300040005000600070008"),
            Arguments.of("1:2:3:4:5:6:7::", "00010002000300040005000600070000"),
            Arguments.of("::2:3:4:5:6:7:8", "00000002000300040005000600070008"),
            Arguments.of("1:2:3::5:6:7:8", "00010002000300000005000600070008"),
            Arguments.of("::ffff:1.2.3.4", "00000000000000000000ffff01020304"),
            Arguments.of("1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"),
            Arguments.of("::1.2.3.4", "00000000000000000000000001020304"),
            Arguments.of("0000:0000:0000:0000:0000:0000:0000:0001", "00000000000000000000000000000001"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ipv6Literals")
    void ipv6LiteralParsesToItsBytes(final String text, final String hex) {
        assertThat(IpLiteral.parseIpv6(text)).isEqualTo(HEX.parseHex(hex));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", ":", ":::", "none", "1.2.3.4", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4::5:6:7:8", "1::2::3", "1:::2", ":1::2", "1::2:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:",
        "12345::1", "g::1", "fe80::1%eth0", "[::1]", "::1.2.3", "::1.2.3.04", "1.2.3.4::", "::1.2.3.4:1",
        "1:2:3:4:5:6:7:1.2.3.4", "::ffff:256.1.1.1", "::\uff11", " ::1", "::1 ", "localhost"})
    void notAnIpv6Literal(final String text) {
        assertThat(IpLiteral.parseIpv6(text)).isNull();
    }

    @Test
    void longestLiteralsAreAccepted() {
        assertThat("255.255.255.255").hasSize(IpLiteral.MAX_IPV4_CHARS);
        assertThat(IpLiteral.parseIpv4("255.255.255.255")).isEqualTo(HEX.parseHex("ffffffff"));
        final String longestV6 = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
        assertThat(longestV6).hasSize(IpLiteral.MAX_IPV6_CHARS);
        assertThat(IpLiteral.parseIpv6(longestV6)).isEqualTo(HEX.parseHex("ff".repeat(16)));
    }

    @Test
    void stringsLongerThanTheLongestLiteralAreRejectedBeforeParsing() {
        assertThat(IpLiteral.parseIpv4("1".repeat(IpLiteral.MAX_IPV4_CHARS + 1))).isNull();
        assertThat(IpLiteral.parseIpv4("0".repeat(100_000))).isNull();
        assertThat(IpLiteral.parseIpv6("f".repeat(IpLiteral.MAX_IPV6_CHARS + 1))).isNull();
        assertThat(IpLiteral.parseIpv6(":".repeat(100_000))).isNull();
    }

    @Test
    void randomAddressesRoundTripThroughFullCompressedAndMixedForms() {
        final long seed = 0x1fL;
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 5_000; i++) {
            final byte[] v6 = new byte[16];
            for (int j = 0; j < 16; j++) {
                // runs of zero groups make "::" compression interesting
                v6[j] = random.nextInt(3) == 0 ? 0 : (byte) random.nextInt(256);
            }
            for (final String form : new String[] {fullForm(v6), compressedForm(v6), mixedForm(v6)}) {
                assertThat(IpLiteral.parseIpv6(form)).as("seed %d case %d form %s", seed, i, form).isEqualTo(v6);
            }
            final byte[] v4 = {v6[0], v6[1], v6[2], v6[3]};
            final String dotted = (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
            assertThat(IpLiteral.parseIpv4(dotted)).as("seed %d case %d %s", seed, i, dotted).isEqualTo(v4);
        }
    }

    @Test
    void randomStringsNeverThrow() {
        final long seed = 0x2fL;
        final SplittableRandom random = new SplittableRandom(seed);
        final String alphabet = "0123456789abcdefABCDEFg:.%[] -x\u0661";
        for (int i = 0; i < 20_000; i++) {
            final StringBuilder sb = new StringBuilder();
            final int n = random.nextInt(50);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            final String s = sb.toString();
            final byte[] v4 = IpLiteral.parseIpv4(s);
            final byte[] v6 = IpLiteral.parseIpv6(s);
            assertThat(v4 == null || v4.length == 4).as("seed %d %s", seed, s).isTrue();
            assertThat(v6 == null || v6.length == 16).as("seed %d %s", seed, s).isTrue();
        }
    }

    private static int group(final byte[] a, final int g) {
        return ((a[2 * g] & 0xff) << 8) | (a[2 * g + 1] & 0xff);
    }

    private static String fullForm(final byte[] a) {
        final StringBuilder sb = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            sb.append(g == 0 ? "" : ":").append(String.format("%04x", group(a, g)));
        }
        return sb.toString();
    }

    /** RFC 5952 style: the longest run (>= 2) of zero groups replaced by "::". */
    private static String compressedForm(final byte[] a) {
        int bestStart = -1;
        int bestLen = 0;
        for (int g = 0; g < 8; ) {
            if (group(a, g) != 0) {
                g++;
                continue;
            }
            int end = g;
            while (end < 8 && group(a, end) == 0) {
                end++;
            }
            if (end - g > bestLen) {
                bestStart = g;
                bestLen = end - g;
            }
            g = end;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        final StringBuilder sb = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(a, g)).toUpperCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }

    private static String mixedForm(final byte[] a) {
        final StringBuilder sb = new StringBuilder();
        for (int g = 0; g < 6; g++) {
            sb.append(Integer.toHexString(group(a, g))).append(':');
        }
        return sb.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.').append(a[14] & 0xff)
            .append('.').append(a[15] & 0xff).toString();
    }
}
