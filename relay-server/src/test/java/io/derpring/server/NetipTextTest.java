package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Source addresses as Go's netip.Addr.String() writes them (cases after Go's netip tests). */
class NetipTextTest {
    static Stream<Arguments> addresses() {
        return Stream.of(
            Arguments.of("127.0.0.1", "127.0.0.1"),
            Arguments.of("0:0:0:0:0:0:0:0", "::"),
            Arguments.of("0:0:0:0:0:0:0:1", "::1"),
            Arguments.of("1:0:0:0:0:0:0:0", "1::"),
            Arguments.of("2001:db8:0:0:0:0:0:1", "2001:db8::1"),
            Arguments.of("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"), // first run on a tie
            Arguments.of("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"), // the longest run
            Arguments.of("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"), // a single zero group stays
            Arguments.of("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
            Arguments.of("FE80:0:0:0:0:0:0:ABCD", "fe80::abcd"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("addresses")
    @DisplayName("written as Go's netip.Addr.String()")
    void writtenAsGoDoes(final String address, final String expected) throws Exception {
        assertThat(NetipText.of(InetAddress.getByName(address))).isEqualTo(expected);
    }

    @Test
    @DisplayName("a scoped IPv6 address keeps its zone after %")
    void zoneIsKept() throws Exception {
        final byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
        assertThat(NetipText.of(Inet6Address.getByAddress(null, linkLocal, 5))).isEqualTo("fe80::1%5");
    }

    @Test
    @DisplayName("no address is Go's zero Addr: the empty string")
    void nullIsEmpty() {
        assertThat(NetipText.of(null)).isEmpty();
    }
}
