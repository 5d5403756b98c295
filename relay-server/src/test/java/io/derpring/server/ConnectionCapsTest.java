package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.metrics.Counters;
import io.derpring.runtime.InvalidConfigException;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The total and per-IP caps without sockets: channels with a chosen source address. */
class ConnectionCapsTest {
    private final Counters<ServerCounter> counters = new Counters<>(ServerCounter.class);

    /** An embedded channel that claims to come from {@code address}. */
    private static final class From extends EmbeddedChannel {
        private final SocketAddress remote;

        From(final String address) throws Exception {
            super();
            this.remote = new InetSocketAddress(InetAddress.getByName(address), 40_000);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }

    private static int admitted(final ConnectionCaps caps, final List<From> channels) {
        int n = 0;
        for (final From c : channels) {
            n += caps.tryAdmit(c) ? 1 : 0;
        }
        return n;
    }

    private static List<From> from(final String address, final int count) throws Exception {
        final List<From> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new From(address));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} connections against a cap of 3")
    @ValueSource(ints = {2, 3, 4})
    @DisplayName("total cap: below and at it every connection is admitted; above it the rest are refused and counted")
    void totalCap(final int count) throws Exception {
        final ConnectionCaps caps = new ConnectionCaps(3, ConnectionCaps.UNLIMITED, counters);
        assertThat(admitted(caps, from("192.0.2.1", count))).isEqualTo(Math.min(count, 3));
        assertThat(counters.get(ServerCounter.OVER_MAX_CONNECTIONS)).isEqualTo(Math.max(0, count - 3));
        assertThat(counters.get(ServerCounter.OVER_MAX_CONNECTIONS_PER_IP)).isZero();
    }

    @ParameterizedTest(name = "{0} connections from one address against a per-IP cap of 2")
    @ValueSource(ints = {1, 2, 3})
    @DisplayName("per-IP cap: at it the address is full; other addresses are not affected")
    void perIpCap(final int count) throws Exception {
        final ConnectionCaps caps = new ConnectionCaps(ConnectionCaps.UNLIMITED, 2, counters);
        assertThat(admitted(caps, from("192.0.2.1", count))).isEqualTo(Math.min(count, 2));
        assertThat(counters.get(ServerCounter.OVER_MAX_CONNECTIONS_PER_IP)).isEqualTo(Math.max(0, count - 2));
        assertThat(admitted(caps, from("2001:db8::1", 2))).isEqualTo(2);
        assertThat(counters.get(ServerCounter.OVER_MAX_CONNECTIONS)).isZero();
    }

    @Test
    @DisplayName("closing a connection gives its slots back; the per-IP table forgets an address at 0 (bounded memory)")
    void closeGivesSlotsBack() throws Exception {
        final ConnectionCaps caps = new ConnectionCaps(10, 2, counters);
        final List<From> a = from("192.0.2.1", 2);
        final List<From> b = from("192.0.2.2", 1);
        assertThat(admitted(caps, a) + admitted(caps, b)).isEqualTo(3);
        assertThat(caps.trackedAddresses()).isEqualTo(2);
        a.get(0).close();
        assertThat(caps.openFrom(InetAddress.getByName("192.0.2.1"))).isEqualTo(1);
        assertThat(caps.tryAdmit(new From("192.0.2.1"))).isTrue();
        for (final From c : a) {
            c.close();
        }
        b.get(0).close();
        assertThat(caps.open()).isEqualTo(1); // the one admitted above is still open
        assertThat(caps.trackedAddresses()).isEqualTo(1);
    }

    @Test
    @DisplayName("IPv6 sources count per /64: two addresses in one /64 share the cap, the next /64 does not")
    void ipv6CountsPerSlash64() throws Exception {
        final ConnectionCaps caps = new ConnectionCaps(ConnectionCaps.UNLIMITED, 2, counters);
        assertThat(caps.tryAdmit(new From("2001:db8:1:2::1"))).isTrue();
        assertThat(caps.tryAdmit(new From("2001:db8:1:2:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(caps.tryAdmit(new From("2001:db8:1:2:1234::9"))).isFalse();
        assertThat(caps.tryAdmit(new From("2001:db8:1:3::1"))).isTrue();
        assertThat(caps.trackedAddresses()).isEqualTo(2);
        assertThat(ConnectionCaps.addressOf(new InetSocketAddress("2001:db8:1:2:abcd::1", 1)))
            .isEqualTo(InetAddress.getByName("2001:db8:1:2::"));
        assertThat(ConnectionCaps.addressOf(new InetSocketAddress("192.0.2.7", 1))).isEqualTo(InetAddress.getByName("192.0.2.7"));
    }

    @Test
    @DisplayName("a per-IP refusal does not keep a total slot")
    void perIpRefusalReturnsTheTotalSlot() throws Exception {
        final ConnectionCaps caps = new ConnectionCaps(5, 1, counters);
        assertThat(admitted(caps, from("192.0.2.1", 4))).isEqualTo(1);
        assertThat(caps.open()).isEqualTo(1);
    }

    @Test
    @DisplayName("SPEC §3.8: a connection that proves the mesh key gives its per-IP slot back at once, and only once")
    void meshProofReleasesTheIpSlot() throws Exception {
        final ConnectionCaps caps = new ConnectionCaps(ConnectionCaps.UNLIMITED, 1, counters);
        final From mesh = new From("192.0.2.1");
        assertThat(caps.tryAdmit(mesh)).isTrue();
        assertThat(caps.tryAdmit(new From("192.0.2.1"))).isFalse();
        ConnectionCaps.releaseIpSlot(mesh);
        ConnectionCaps.releaseIpSlot(mesh);
        final From client = new From("192.0.2.1");
        assertThat(caps.tryAdmit(client)).isTrue();
        mesh.close(); // must not give back the client's slot a second time
        assertThat(caps.openFrom(InetAddress.getByName("192.0.2.1"))).isEqualTo(1);
        assertThat(caps.tryAdmit(new From("192.0.2.1"))).isFalse();
    }

    @Test
    @DisplayName("caps are 0 (none) or positive; a negative cap is a typed configuration error")
    void negativeCapIsRefused() {
        assertThatThrownBy(() -> new ConnectionCaps(-1, 0, counters)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> new ConnectionCaps(0, -1, counters)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("maxConnectionsPerIp");
    }
}
