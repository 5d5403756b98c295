package io.derpring.derpmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5.9 anti-leak gate: the STUN list holds only fixed IPv4 literals and is built without any DNS lookup.
 *
 * <p>Why it matters: the client STUNs its DERP servers to learn its public address. If a node's address had to be
 * found by resolving its host name, that DNS query would be a second egress path (outside the tunnel, to whatever
 * resolver the host uses) announcing which DERP servers we use. So a node without a fixed IPv4 literal is skipped,
 * never resolved. These tests pin that rule; the host names below are {@code .test}/{@code .invalid} names that
 * must never be looked up.
 */
class StunAntiLeakTest {
    private static final String LEAKY_MAP = """
        {"Regions": {
          "7": {"RegionID": 7, "Nodes": [
            {"Name": "7a", "RegionID": 7, "HostName": "derp7a.leak-canary.test", "IPv4": "192.0.2.7", "STUNPort": 3478},
            {"Name": "7b", "RegionID": 7, "HostName": "derp7b.leak-canary.test"},
            {"Name": "7c", "RegionID": 7, "HostName": "derp7c.leak-canary.test", "IPv4": "", "IPv6": "2001:db8::7"}
          ]},
          "5": {"RegionID": 5, "Nodes": [
            {"Name": "5s", "RegionID": 5, "HostName": "stun5.leak-canary.invalid", "IPv4": "198.51.100.5",
             "STUNPort": 3479, "STUNOnly": true},
            {"Name": "5n", "RegionID": 5, "HostName": "derp5n.leak-canary.invalid", "IPv4": "none"},
            {"Name": "5h", "RegionID": 5, "HostName": "derp5h.leak-canary.invalid", "IPv4": "derp5h.leak-canary.invalid"}
          ]}
        }}""";

    private static final String HOSTNAMES_ONLY_MAP = """
        {"Regions": {
          "1": {"RegionID": 1, "Nodes": [
            {"Name": "1a", "RegionID": 1, "HostName": "derp1a.leak-canary.test"},
            {"Name": "1b", "RegionID": 1, "HostName": "derp1b.leak-canary.test", "IPv4": ""},
            {"Name": "1c", "RegionID": 1, "HostName": "derp1c.leak-canary.test", "IPv6": "2001:db8::1"}
          ]},
          "2": {"RegionID": 2, "Nodes": [
            {"Name": "2a", "RegionID": 2, "HostName": "derp2a.leak-canary.invalid", "STUNPort": 3478}
          ]}
        }}""";

    @Test
    @DisplayName("B62: STUN list holds only fixed IPv4 literals, in region-ID then node order, STUNOnly included")
    void b62StunListHoldsOnlyFixedIpv4LiteralsInRegionOrder() {
        final List<InetSocketAddress> stun = DerpMapParser.parse(LEAKY_MAP).stunServersV4();
        assertThat(stun).extracting(DerpMapVectorsTest::hostPort)
            .containsExactly("198.51.100.5:3479", "192.0.2.7:3478"); // region 5 before region 7
    }

    @Test
    @DisplayName("B62: STUN addresses are built from literal bytes: resolved, no host name attached, no map host name")
    void b62StunAddressesAreBuiltFromLiteralBytes() {
        final List<InetSocketAddress> stun = DerpMapParser.parse(LEAKY_MAP).stunServersV4();
        final byte[][] expectedBytes = {{(byte) 198, 51, 100, 5}, {(byte) 192, 0, 2, 7}};
        for (int i = 0; i < stun.size(); i++) {
            final InetSocketAddress a = stun.get(i);
            // Not an unresolved placeholder that a socket would resolve later on send.
            assertThat(a.isUnresolved()).isFalse();
            assertThat(a.getAddress().getAddress()).isEqualTo(expectedBytes[i]);
            // InetAddress.toString() is "<host name>/<literal>": an empty host part means the address was made from
            // bytes (or a literal), never from a name lookup. getHostString() does not resolve.
            assertThat(a.getAddress().toString()).startsWith("/");
            assertThat(a.getHostString()).doesNotContain("leak-canary");
            assertThat(a.toString()).doesNotContain("leak-canary");
        }
    }

    @Test
    @DisplayName("B62: a map whose nodes have only host names (no IPv4 literal) yields an empty STUN list")
    void b62MapWithOnlyHostNamesYieldsAnEmptyStunList() {
        assertThat(DerpMapParser.parse(HOSTNAMES_ONLY_MAP).stunServersV4()).isEmpty();
    }

    @Test
    @DisplayName("B62: IPv6 literals never enter the STUN list")
    void b62Ipv6NeverEntersTheStunList() {
        final DerpMap map = DerpMapParser.parse("""
            {"Regions": {"3": {"RegionID": 3, "Nodes": [
              {"Name": "3a", "RegionID": 3, "HostName": "h.leak-canary.test", "IPv4": "none", "IPv6": "::1"},
              {"Name": "3b", "RegionID": 3, "HostName": "h.leak-canary.test", "IPv4": "::ffff:10.0.0.1"}]}}}""");
        assertThat(map.stunServersV4()).isEmpty();
    }

    @Test
    void stunListIsUnmodifiable() {
        final List<InetSocketAddress> stun = DerpMapParser.parse(LEAKY_MAP).stunServersV4();
        assertThatThrownBy(() -> stun.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)))
            .isInstanceOf(UnsupportedOperationException.class);
    }

    /**
     * The strongest check Java 17 allows (the resolver SPI, {@code InetAddressResolverProvider}, arrives in 18): the JDK
     * asks the SecurityManager {@code checkConnect(host, -1)} before every name lookup. A manager that records and
     * refuses such calls on this thread proves that parsing the map and building the STUN list never resolve a name;
     * the refusal also means a regression would fail here without sending a DNS query.
     */
    @Test
    @DisplayName("B62: no DNS lookup happens while parsing the map or building the STUN list")
    @SuppressWarnings("removal")
    void b62NoDnsLookupWhileBuildingTheStunList() throws Exception {
        final Thread me = Thread.currentThread();
        final List<String> lookups = new ArrayList<>();
        final SecurityManager previous = System.getSecurityManager();
        final SecurityManager recorder = new SecurityManager() {
            @Override
            public void checkPermission(final java.security.Permission perm) {
                // allow everything else
            }

            @Override
            public void checkPermission(final java.security.Permission perm, final Object context) {
            }

            @Override
            public void checkConnect(final String host, final int port) {
                if (port == -1 && Thread.currentThread() == me) {
                    lookups.add(host);
                    throw new SecurityException("DNS lookup of " + host + " refused by StunAntiLeakTest");
                }
            }
        };
        try {
            System.setSecurityManager(recorder);
        } catch (final UnsupportedOperationException e) {
            Assumptions.abort("SecurityManager not available on this JDK: " + e.getMessage());
        }
        final List<String> stun;
        final List<String> canary;
        try {
            stun = DerpMapParser.parse(LEAKY_MAP).stunServersV4().stream().map(DerpMapVectorsTest::hostPort)
                .toList();
            DerpMapParser.parse(HOSTNAMES_ONLY_MAP).stunServersV4();
            final List<String> seenByMap = List.copyOf(lookups);
            // Prove the recorder sees lookups at all: a name lookup is recorded and refused before any query is sent.
            try {
                InetAddress.getByName("detector-self-check.leak-canary.invalid");
            } catch (final SecurityException expected) {
                // refused, as intended
            }
            canary = List.copyOf(lookups);
            assertThat(seenByMap).as("host names looked up while building the STUN list").isEmpty();
        } finally {
            System.setSecurityManager(previous);
        }
        assertThat(canary).containsExactly("detector-self-check.leak-canary.invalid");
        assertThat(stun).containsExactly("198.51.100.5:3479", "192.0.2.7:3478");
    }
}
