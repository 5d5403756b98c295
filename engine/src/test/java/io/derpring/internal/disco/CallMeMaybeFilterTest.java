package io.derpring.internal.disco;

import io.derpring.disco.EndpointList;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.testing.Allocations;
import io.derpring.testing.SecurityGate;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC §5.7 / B59: which CallMeMaybe endpoints are pingable candidates. */
@SecurityGate
class CallMeMaybeFilterTest {
    private static final JsonNode FILTER = Vectors.load("disco.json").get("callmemaybe_candidate_filter");

    private final CallMeMaybeFlyweight message = new CallMeMaybeFlyweight();
    private final EndpointList accepted = EndpointList.forCallMeMaybe();

    static List<Arguments> filterRows() {
        final List<Arguments> cases = new ArrayList<>();
        for (final JsonNode c : FILTER.get("cases")) {
            final String candidate = c.get("candidate").asText();
            cases.add(Arguments.of(candidate, false, c.get("accept_ipv6_disabled").asBoolean()));
            cases.add(Arguments.of(candidate, true, c.get("accept_ipv6_enabled").asBoolean()));
        }
        return cases;
    }

    /** A CallMeMaybe payload listing {@code endpoints} in order. */
    private CallMeMaybeFlyweight callMeMaybe(final List<AddressLiterals.Endpoint> endpoints) {
        final EndpointList list = new EndpointList(endpoints.size());
        for (final AddressLiterals.Endpoint e : endpoints) {
            list.addIpv6(e.high(), e.low(), e.port());
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CallMeMaybeFlyweight.encodedLength(endpoints.size())]);
        final int length = CallMeMaybeFlyweight.encode(buffer, 0, list);
        assertThat(message.wrap(buffer, 0, length)).isEqualTo(DiscoOpenResult.OK_CALL_ME_MAYBE);
        return message;
    }

    @Test
    void everyVectorRowHasACase() {
        assertThat(FILTER.get("cases")).hasSize(23);
        assertThat(filterRows()).hasSize(46);
    }

    @ParameterizedTest(name = "B59 disco.json callmemaybe_candidate_filter {0}, IPv6 enabled {1}: accepted {2}")
    @MethodSource("filterRows")
    void candidateFilterMatchesVectorRow(final String candidate, final boolean ipv6Enabled, final boolean expected) {
        final AddressLiterals.Endpoint endpoint = AddressLiterals.parse(candidate);
        final CallMeMaybeFilter filter = new CallMeMaybeFilter(ipv6Enabled);
        final int kept = filter.filter(callMeMaybe(List.of(endpoint)), accepted);

        assertThat(kept).isEqualTo(expected ? 1 : 0);
        assertThat(filter.acceptedAddresses(message))
            .containsExactlyElementsOf(expected ? List.of(endpoint.toSocketAddress()) : List.of());
        if (expected) {
            assertThat(accepted.isIpv4(0)).isEqualTo(endpoint.ipv4());
            assertThat(accepted.port(0)).isEqualTo(endpoint.port());
            assertThat(accepted.ipv6High(0)).isEqualTo(endpoint.high());
            assertThat(accepted.ipv6Low(0)).isEqualTo(endpoint.low());
        }
    }

    @Test
    void defaultFilterHasIpv6Disabled() {
        assertThat(CallMeMaybeFilter.ipv4Only().ipv6Enabled()).isFalse();
    }

    @ParameterizedTest(name = "B59 {0} endpoints, all pingable: {1} considered")
    @CsvSource({"0, 0", "1, 1", "15, 15", "16, 16", "17, 16", "40, 16"})
    @DisplayName("B59 only the first 16 endpoints are considered: at, below and above")
    void onlyTheFirst16EndpointsAreConsidered(final int count, final int expected) {
        final List<AddressLiterals.Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            endpoints.add(AddressLiterals.parse("203.0.113." + (i + 1) + ":" + (1000 + i)));
        }
        final int kept = CallMeMaybeFilter.ipv4Only().filter(callMeMaybe(endpoints), accepted);
        assertThat(kept).isEqualTo(expected);
        for (int i = 0; i < kept; i++) {
            assertThat(accepted.port(i)).isEqualTo(1000 + i);
        }
    }

    @Test
    @DisplayName("B59 a pingable 17th endpoint after 16 rejected ones is not considered")
    void pingableEndpointAfterTheSixteenthIsIgnored() {
        final List<AddressLiterals.Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            endpoints.add(AddressLiterals.parse("192.168.0." + (i + 1) + ":41641"));
        }
        endpoints.add(AddressLiterals.parse("8.8.8.8:53"));
        assertThat(CallMeMaybeFilter.ipv4Only().filter(callMeMaybe(endpoints), accepted)).isZero();
        assertThat(accepted.isEmpty()).isTrue();
    }

    @Test
    void acceptedEndpointsKeepWireOrderAndSkipRejectedOnes() {
        final List<AddressLiterals.Endpoint> endpoints = List.of(
            AddressLiterals.parse("10.0.0.1:1"), AddressLiterals.parse("198.51.100.10:2"),
            AddressLiterals.parse("[2001:db8::20]:3"), AddressLiterals.parse("127.0.0.1:4"),
            AddressLiterals.parse("100.64.0.1:5"));
        final List<InetSocketAddress> ipv6On = new CallMeMaybeFilter(true).acceptedAddresses(callMeMaybe(endpoints));
        assertThat(ipv6On).containsExactly(endpoints.get(1).toSocketAddress(), endpoints.get(2).toSocketAddress(),
            endpoints.get(4).toSocketAddress());
        assertThat(CallMeMaybeFilter.ipv4Only().acceptedAddresses(callMeMaybe(endpoints)))
            .containsExactly(endpoints.get(1).toSocketAddress(), endpoints.get(4).toSocketAddress());
    }

    @Test
    void filterClearsTheListBeforeFilling() {
        final CallMeMaybeFilter filter = CallMeMaybeFilter.ipv4Only();
        filter.filter(callMeMaybe(List.of(AddressLiterals.parse("8.8.8.8:53"))), accepted);
        assertThat(filter.filter(callMeMaybe(List.of()), accepted)).isZero();
        assertThat(accepted.size()).isZero();
    }

    @ParameterizedTest(name = "IPv4 {0}: pingable {1}")
    @CsvSource({
        "0.0.0.0, false", "0.0.0.1, true", "0.255.255.255, true", "1.0.0.0, true",
        "9.255.255.255, true", "10.0.0.0, false", "10.255.255.255, false", "11.0.0.0, true",
        "100.63.255.255, true", "100.64.0.0, true", "100.127.255.255, true",
        "126.255.255.255, true", "127.0.0.0, false", "127.255.255.255, false", "128.0.0.0, true",
        "169.253.255.255, true", "169.254.0.0, false", "169.254.255.255, false", "169.255.0.0, true",
        "172.15.255.255, true", "172.16.0.0, false", "172.31.255.255, false", "172.32.0.0, true",
        "192.167.255.255, true", "192.168.0.0, false", "192.168.255.255, false", "192.169.0.0, true",
        "192.0.2.1, true", "223.255.255.255, true", "224.0.0.0, false", "239.255.255.255, false",
        "240.0.0.0, true", "255.255.255.254, true", "255.255.255.255, false"})
    @DisplayName("B59 IPv4 range edges: first and last address of each rejected range and its neighbours")
    void ipv4RangeEdges(final String address, final boolean pingable) {
        assertThat(CallMeMaybeFilter.isPingableIpv4(AddressLiterals.parseIpv4(address))).isEqualTo(pingable);
    }

    @ParameterizedTest(name = "IPv6 {0}: pingable {1} when enabled")
    @CsvSource({
        "::, false", "::1, false", "::2, true", "0:0:0:1::, true", "fe80::, false",
        "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff, false", "fec0::, true", "fe7f::1, true", "fc00::, false",
        "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, false", "fbff::1, true", "fe00::1, true", "ff00::, false",
        "ff02::1, false", "2001:db8::1, true", "64:ff9b::102, true"})
    @DisplayName("B59 IPv6 range edges (IPv6 enabled); every one rejected when disabled")
    void ipv6RangeEdges(final String address, final boolean pingable) {
        final long[] ip = AddressLiterals.parseIpv6(address);
        assertThat(new CallMeMaybeFilter(true).isPingableIpv6(ip[0], ip[1])).isEqualTo(pingable);
        assertThat(new CallMeMaybeFilter(false).isPingableIpv6(ip[0], ip[1])).isFalse();
    }

    @Test
    void filteringAllocatesNothing() {
        final List<AddressLiterals.Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            endpoints.add(AddressLiterals.parse((i % 2 == 0 ? "203.0.113." : "10.0.0.") + i + ":" + i));
        }
        endpoints.add(AddressLiterals.parse("[2001:db8::20]:41641"));
        final CallMeMaybeFlyweight cmm = callMeMaybe(endpoints);
        final CallMeMaybeFilter filter = new CallMeMaybeFilter(true);
        final long bytes = Allocations.measure(10_000, () -> filter.filter(cmm, accepted));
        assertThat(bytes).as("bytes allocated by 10k filter calls").isLessThan(1024);
        assertThat(accepted.size()).isEqualTo(8);
    }
}
